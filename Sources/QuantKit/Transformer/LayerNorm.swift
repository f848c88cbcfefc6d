/// LayerNorm over each row of `rows` rows of `width` values, in place:
/// `y = (x - mean) / √(var + eps) · weight + bias`, with `mean` and the biased variance `var` of
/// the row, in float32 (two passes, as torch's CPU kernel keeps the mean and variance in float32).
///
/// Against exact arithmetic each output is off by a few float32 ulps of `|x - mean| / √(var + eps)`
/// times `|weight|`, plus the ulp of the sum; the row's values, not their order, decide it.
/// - Precondition: `x.count == rows · width`; `weight` and `bias` have `width` values.
/// - Complexity: O(rows · width).
public func layerNorm(_ x: inout [Float], width: Int, weight: [Float], bias: [Float], epsilon: Float) {
    precondition(width > 0 && x.count % width == 0 && weight.count == width && bias.count == width, "layerNorm: sizes do not match")
    x.withUnsafeMutableBufferPointer { x in
        weight.withUnsafeBufferPointer { weight in
            bias.withUnsafeBufferPointer { bias in
                for start in stride(from: 0, to: x.count, by: width) {
                    let row = UnsafeMutableBufferPointer(rebasing: x[start ..< start + width])
                    var sum: Float = 0
                    for value in row { sum += value }
                    let mean = sum / Float(width)
                    var squares: Float = 0
                    for value in row { squares += (value - mean) * (value - mean) }
                    let inverse = 1 / (squares / Float(width) + epsilon).squareRoot()
                    for i in 0 ..< width { row[i] = (row[i] - mean) * inverse * weight[i] + bias[i] }
                }
            }
        }
    }
}

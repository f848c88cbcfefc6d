/// RMSNorm over each row of `width` values, in place, as transformers' `LlamaRMSNorm` computes it
/// in float32: `y = weight · (x · 1/√(mean(x²) + eps))`, the weight multiplied last.
///
/// Each output is within a few float32 ulps of the exact value (the sum of squares carries the
/// rounding of `width` additions).
/// - Precondition: `x.count` is a multiple of `width`; `weight` has `width` values.
/// - Complexity: O(x.count).
public func rmsNorm(_ x: inout [Float], width: Int, weight: [Float], epsilon: Float) {
    precondition(width > 0 && x.count % width == 0 && weight.count == width, "rmsNorm: sizes do not match")
    x.withUnsafeMutableBufferPointer { x in
        weight.withUnsafeBufferPointer { weight in
            for start in stride(from: 0, to: x.count, by: width) {
                let row = UnsafeMutableBufferPointer(rebasing: x[start ..< start + width])
                var squares: Float = 0
                for value in row { squares += value * value }
                let inverse = 1 / (squares / Float(width) + epsilon).squareRoot()
                for i in 0 ..< width { row[i] = weight[i] * (row[i] * inverse) }
            }
        }
    }
}

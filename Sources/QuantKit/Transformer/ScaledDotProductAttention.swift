/// Multi-head scaled dot-product attention with grouped-query heads over packed sequences:
/// for each sequence and head `h`, `softmax(scale · Q_h K_gᵀ + mask) V_g`, where key/value head
/// `g = h / (heads / keyValueHeads)` serves `heads / keyValueHeads` consecutive query heads
/// (transformers' `repeat_kv`).
///
/// `query` is `[tokens, heads · headDim]`, `key` and `value` `[tokens, keyValueHeads · headDim]`,
/// the tokens of each sequence (`lengths`) one after the other, head `h`'s values at columns
/// `h · headDim ..< (h + 1) · headDim`; the result is shaped like `query`. The products run on
/// `floatMatrixMultiply`, one (sequence, key/value head) pair per task on `threads` threads;
/// each pair's arithmetic is the same whatever thread runs it, so results do not depend on
/// `threads`. Each probability row sums to 1 within float32 rounding.
/// - Precondition: sizes consistent with `lengths`; `keyValueHeads` divides `heads`.
/// - Complexity: O(Σ length² · heads · headDim).
func scaledDotProductAttention(query: [Float], key: [Float], value: [Float], lengths: [Int], heads: Int, keyValueHeads: Int,
                               headDim: Int, scale: Float, mask: AttentionMask, threads: Int = defaultThreadCount) -> [Float] {
    let tokens = lengths.reduce(0, +), queryWidth = heads * headDim, keyWidth = keyValueHeads * headDim
    precondition(heads % keyValueHeads == 0 && query.count == tokens * queryWidth && key.count == tokens * keyWidth
                 && value.count == tokens * keyWidth, "attention: sizes do not match")
    let offsets = lengths.reduce(into: [0]) { $0.append($0.last! + $1) }
    let group = heads / keyValueHeads
    var output = [Float](repeating: 0, count: query.count)
    query.withUnsafeBufferPointer { query in
        key.withUnsafeBufferPointer { key in
            value.withUnsafeBufferPointer { value in
                output.withUnsafeMutableBufferPointer { output in
                    parallelFor(lengths.count * keyValueHeads, threads: threads) { task in
                        let sequence = task / keyValueHeads, kvHead = task % keyValueHeads
                        let rows = offsets[sequence] ..< offsets[sequence + 1]
                        attendOneGroup(query: query, key: key, value: value, output: output, rows: rows,
                                       firstHead: kvHead * group, group: group, kvHead: kvHead,
                                       widths: (queryWidth, keyWidth, headDim), scale: scale, mask: mask)
                    }
                }
            }
        }
    }
    return output
}

/// The attention of query heads `firstHead ..< firstHead + group` of one sequence (token `rows`)
/// to key/value head `kvHead`: the group's queries stacked into one `[group · L, headDim]`
/// matrix against the sequence's `[L, headDim]` keys, then the probabilities against the values.
private func attendOneGroup(query: UnsafeBufferPointer<Float>, key: UnsafeBufferPointer<Float>, value: UnsafeBufferPointer<Float>,
                            output: UnsafeMutableBufferPointer<Float>, rows: Range<Int>, firstHead: Int, group: Int, kvHead: Int,
                            widths: (query: Int, key: Int, head: Int), scale: Float, mask: AttentionMask) {
    let length = rows.count, d = widths.head
    var queries = [Float](repeating: 0, count: group * length * d)
    var keys = [Float](repeating: 0, count: length * d)
    var valuesTransposed = [Float](repeating: 0, count: d * length)
    for (t, token) in rows.enumerated() {
        let keyStart = token * widths.key + kvHead * d
        for c in 0 ..< d {
            keys[t * d + c] = key[keyStart + c]
            valuesTransposed[c * length + t] = value[keyStart + c]
        }
        for h in 0 ..< group {
            let queryStart = token * widths.query + (firstHead + h) * d
            for c in 0 ..< d { queries[(h * length + t) * d + c] = query[queryStart + c] }
        }
    }
    var scores = floatMatrixMultiply(queries, keys, bias: nil, m: group * length, n: length, k: d, threads: 1)
    scores.withUnsafeMutableBufferPointer { scores in
        for row in 0 ..< group * length {
            let line = UnsafeMutableBufferPointer(rebasing: scores[row * length ..< (row + 1) * length])
            for j in 0 ..< length { line[j] *= scale }
            softmax(line, allowed: mask.keys(query: row % length, length: length))
        }
    }
    let context = floatMatrixMultiply(scores, valuesTransposed, bias: nil, m: group * length, n: d, k: length, threads: 1)
    for h in 0 ..< group {
        for (t, token) in rows.enumerated() {
            let outputStart = token * widths.query + (firstHead + h) * d
            for c in 0 ..< d { output[outputStart + c] = context[(h * length + t) * d + c] }
        }
    }
}

/// `headDim^-0.5` computed in double and rounded to float32, as transformers' Python float
/// `head_dim**-0.5` is when it multiplies a float32 tensor.
func attentionScale(headDim: Int) -> Float {
    Float(1 / Double(headDim).squareRoot())
}

import Foundation

/// The rotation tables of a rotary position embedding for positions `0 ..< positions`:
/// `angle(p, i) = p · inv_freq[i]` in float32 (as transformers multiplies the float position by
/// the float32 frequencies), `cos` and `sin` of it in float32.
struct RotaryTables {
    let half: Int
    let cosines: [Float]
    let sines: [Float]

    init(inverseFrequencies: [Float], positions: Int) {
        half = inverseFrequencies.count
        var cosines = [Float](repeating: 0, count: positions * half), sines = cosines
        for p in 0 ..< positions {
            for i in 0 ..< half {
                let angle = Float(p) * inverseFrequencies[i]
                cosines[p * half + i] = cosf(angle)
                sines[p * half + i] = sinf(angle)
            }
        }
        self.cosines = cosines
        self.sines = sines
    }

    /// Rotates every head of every token of `x` (`[tokens, heads · 2·half]`) in place by its
    /// position within its sequence (`lengths`), in transformers' `rotate_half` convention:
    /// with `x1 = x[..< half]`, `x2 = x[half...]` of a head,
    /// `x1' = x1 · cos - x2 · sin` and `x2' = x2 · cos + x1 · sin`.
    /// - Precondition: no sequence is longer than the tables' positions.
    /// - Complexity: O(x.count).
    func rotate(_ x: inout [Float], heads: Int, lengths: [Int]) {
        let headDim = 2 * half, width = heads * headDim
        precondition(x.count == lengths.reduce(0, +) * width, "rotary: sizes do not match")
        x.withUnsafeMutableBufferPointer { x in
            cosines.withUnsafeBufferPointer { cosines in
                sines.withUnsafeBufferPointer { sines in
                    var token = 0
                    for length in lengths {
                        for position in 0 ..< length {
                            for head in 0 ..< heads {
                                let start = token * width + head * headDim, table = position * half
                                for i in 0 ..< half {
                                    let x1 = x[start + i], x2 = x[start + half + i]
                                    let c = cosines[table + i], s = sines[table + i]
                                    x[start + i] = x1 * c - x2 * s
                                    x[start + half + i] = x2 * c + x1 * s
                                }
                            }
                            token += 1
                        }
                    }
                }
            }
        }
    }
}

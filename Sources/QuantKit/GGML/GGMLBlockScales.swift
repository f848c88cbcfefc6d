extension GGMLType {
    /// The byte offsets in a block of its binary16 scale fields (ggml's `d`, and `m` or `dmin`),
    /// for the block types this tool reads; nil for the others. These are the fields ggml's
    /// `ggml_validate_row_data` checks: a block whose scale is NaN or infinite dequantizes to
    /// NaN or infinities, and llama.cpp refuses to load it when asked to validate.
    ///
    ///     q4_0, q5_0, q8_0: d at 0        q4_1, q5_1, q4_K, q5_K: d at 0, m (dmin) at 2
    ///     q2_K: d at 80, dmin at 82        q3_K: d at 108        q6_K: d at 208
    public var scaleOffsets: [Int]? {
        switch self {
        case .q4_0, .q5_0, .q8_0: [0]
        case .q4_1, .q5_1, .q4_K, .q5_K: [0, 2]
        case .q2_K: [80, 82]
        case .q3_K: [108]
        case .q6_K: [208]
        default: nil
        }
    }
}

/// Counts the blocks of `type` (one with `scaleOffsets`) in `blocks`, a whole number of them,
/// with a NaN or infinite binary16 scale; `firstBlock` is the index (from `firstIndex`, the
/// index of the first block in `blocks`) of the first such block, if any.
///
/// - Complexity: O(blocks), one or two 16-bit loads a block.
public func countNonFiniteScales(_ type: GGMLType, blocks: UnsafeRawBufferPointer, firstIndex: Int = 0)
    -> (count: Int, firstBlock: Int?) {
    guard let offsets = type.scaleOffsets else { return (0, nil) }
    var count = 0
    var first: Int?
    for block in 0 ..< blocks.count / type.blockBytes {
        let finite = offsets.allSatisfy { offset in
            let bits = UInt16(littleEndian: blocks.loadUnaligned(fromByteOffset: block * type.blockBytes + offset, as: UInt16.self))
            return bits & 0x7C00 != 0x7C00  // exponent all ones: infinity or NaN
        }
        if !finite {
            count += 1
            if first == nil { first = firstIndex + block }
        }
    }
    return (count, first)
}

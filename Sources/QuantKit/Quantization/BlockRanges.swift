/// Block scales (`QuantScheme.blockRows`) from group ranges: a tensor quantized in groups of
/// `g` along its rows has one range per group, group `j` of row `r` at index `r · G + j`
/// (`G` groups per row); a block is groups `j` of `blockRows` consecutive rows, and every
/// group of a block gets the block's range (the least minimum and the greatest maximum), so the
/// per-group scales computed from them are the block's scale, repeated down its rows.
enum BlockRanges {
    /// Merges `mins` and `maxs` (one per group, `groupsPerRow` a row) over each block of
    /// `blockRows` rows; the last block may have fewer rows.
    /// - Complexity: O(groups).
    static func merge(mins: inout [Float], maxs: inout [Float], groupsPerRow: Int, blockRows: Int) {
        guard groupsPerRow > 0, blockRows > 1 else { return }
        let rows = mins.count / groupsPerRow
        for first in stride(from: 0, to: rows, by: blockRows) {
            let last = Swift.min(first + blockRows, rows)
            for j in 0 ..< groupsPerRow {
                var lo = mins[first * groupsPerRow + j], hi = maxs[first * groupsPerRow + j]
                for row in first + 1 ..< last {
                    lo = Swift.min(lo, mins[row * groupsPerRow + j])
                    hi = Swift.max(hi, maxs[row * groupsPerRow + j])
                }
                for row in first ..< last {
                    mins[row * groupsPerRow + j] = lo
                    maxs[row * groupsPerRow + j] = hi
                }
            }
        }
    }

    /// The scale of each block, in C order of `[ceil(rows / blockRows), groupsPerRow]`, from
    /// per-group scales holding the block's value on every row.
    static func blockScales(_ scales: [Float], groupsPerRow: Int, blockRows: Int) -> [Float] {
        let rows = scales.count / Swift.max(groupsPerRow, 1)
        return stride(from: 0, to: rows, by: blockRows).flatMap { row in scales[row * groupsPerRow ..< (row + 1) * groupsPerRow] }
    }

    /// Per-group scales from block scales (`[ceil(rows / blockRows), groupsPerRow]`): each
    /// block's value on each of its rows.
    static func groupScales(_ blocks: [Float], rows: Int, groupsPerRow: Int, blockRows: Int) -> [Float] {
        (0 ..< rows).flatMap { row in blocks[(row / blockRows) * groupsPerRow ..< (row / blockRows + 1) * groupsPerRow] }
    }
}

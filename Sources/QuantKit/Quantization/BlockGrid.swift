/// How the `blockRows x blockColumns` blocks of a block scheme (`QuantScheme.blockRows`, the
/// group size being the block's columns) cover a tensor of `rows` rows of `columns` elements
/// (every axis but the last flattened into the rows), through the per-group scales the
/// quantizer holds.
///
/// The scales are held per group of `groupWidth = gcd(columns, blockColumns)` elements, so that
/// every block is a whole number of groups: `groupsPerBlock = blockColumns / groupWidth` of
/// each of its rows. When `blockColumns` divides `columns` the groups are the blocks' rows;
/// otherwise the last block of columns has fewer groups. compressed-tensors pads that block with
/// zeros (`maybe_pad_tensor_for_block_quant`) and cuts the codes back; a zero changes no block's
/// `max|w|`, so its scales and codes are those of the unpadded block, which is what the grid
/// computes. The last block of rows may be partial too. Block `(i, j)` covers rows
/// `i·blockRows ..< min((i + 1)·blockRows, rows)` and, of each, groups
/// `j·groupsPerBlock ..< min((j + 1)·groupsPerBlock, groupsPerRow)`; one scale per block is
/// stored, `[ceil(rows / blockRows), ceil(columns / blockColumns)]` in C order (`blockScales`).
///
/// A narrower group costs range and scale slots, not accuracy: a `columns` that is odd holds one
/// scale per element (4 bytes each while quantizing), so such a weight's extra memory is about
/// its own size.
struct BlockGrid: Equatable {
    let rows: Int
    let groupsPerRow: Int
    let groupsPerBlock: Int
    let blockRows: Int

    /// The grid of `scheme` over `shape`; nil unless `scheme` is a block scheme and the tensor has
    /// an axis.
    init?(scheme: QuantScheme, shape: [Int]) {
        guard let blockRows = scheme.blockRows, let blockColumns = scheme.groupSize, let columns = shape.last else { return nil }
        let width = Self.groupWidth(columns: columns, blockColumns: blockColumns)
        self.blockRows = blockRows
        groupsPerRow = columns / width
        groupsPerBlock = blockColumns / width
        rows = columns == 0 ? 0 : shape.reduce(1, *) / columns
    }

    /// `gcd(columns, blockColumns)`: the widest group that tiles both a row and a block (the
    /// block's own columns when they divide the rows; theirs for an empty row).
    static func groupWidth(columns: Int, blockColumns: Int) -> Int {
        var (a, b) = (columns, blockColumns)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    /// The stored shape of the block scales: `[ceil(rows / blockRows), ceil(columns / blockColumns)]`.
    /// (Written so that no block size a hostile record names can overflow.)
    var blockShape: [Int] {
        [Self.ceilingDivision(rows, blockRows), Self.ceilingDivision(groupsPerRow, groupsPerBlock)]
    }

    private static func ceilingDivision(_ a: Int, _ b: Int) -> Int {
        a == 0 ? 0 : (a - 1) / b + 1
    }

    /// The flat index in `blockScales` of the block holding group `group` of row `row`.
    private func block(row: Int, group: Int) -> Int {
        (row / blockRows) * blockShape[1] + group / groupsPerBlock
    }

    /// Merges `mins` and `maxs` (one per group, `groupsPerRow` a row) over each block: every
    /// group of a block gets the block's range (the least minimum and the greatest maximum), so
    /// the per-group scales computed from them are the block's scale on every group of it.
    /// - Complexity: O(groups).
    func merge(mins: inout [Float], maxs: inout [Float]) {
        guard groupsPerRow > 0, blockRows > 1 || groupsPerBlock > 1 else { return }
        var lows = [Float](repeating: .infinity, count: blockShape.reduce(1, *))
        var highs = [Float](repeating: -.infinity, count: lows.count)
        for row in 0 ..< rows {
            for group in 0 ..< groupsPerRow {
                let (index, block) = (row * groupsPerRow + group, block(row: row, group: group))
                lows[block] = Swift.min(lows[block], mins[index])
                highs[block] = Swift.max(highs[block], maxs[index])
            }
        }
        for row in 0 ..< rows {
            for group in 0 ..< groupsPerRow {
                let (index, block) = (row * groupsPerRow + group, block(row: row, group: group))
                (mins[index], maxs[index]) = (lows[block], highs[block])
            }
        }
    }

    /// The scale of each block, in C order of `blockShape`, from per-group scales holding the
    /// block's value on every group of it.
    func blockScales(_ scales: [Float]) -> [Float] {
        let shape = blockShape
        return (0 ..< shape[0] * shape[1]).map { index in
            scales[(index / shape[1]) * blockRows * groupsPerRow + (index % shape[1]) * groupsPerBlock]
        }
    }

    /// Per-group scales from block scales (`blockShape`): each block's value on each of its groups.
    func groupScales(_ blocks: [Float]) -> [Float] {
        (0 ..< rows * groupsPerRow).map { index in blocks[block(row: index / groupsPerRow, group: index % groupsPerRow)] }
    }
}

extension QuantScheme {
    /// The granularity a tensor of `shape` holds its scales in: the scheme's own, except that a
    /// block scheme's groups narrow to `BlockGrid.groupWidth` when the block's columns do not
    /// divide the rows (the block scales are then held once per such group).
    func heldGranularity(shape: [Int]) -> Granularity {
        guard blockRows != nil, case .perGroup(let size) = granularity, let columns = shape.last, columns > 0 else { return granularity }
        return .perGroup(size: BlockGrid.groupWidth(columns: columns, blockColumns: size))
    }

    /// The shape the scales of a tensor of `shape` are held in (`heldGranularity`).
    func heldScaleShape(of shape: [Int], axis: Int?) -> [Int] {
        heldGranularity(shape: shape).scaleShape(of: shape, axis: axis)
    }

    /// The channel view of a tensor of `shape` under its held granularity.
    func heldBlocks(shape: [Int]) throws -> ChannelBlocks {
        try heldGranularity(shape: shape).blocks(shape: shape)
    }

    /// Whether a tensor of `shape` ends in a partial block of columns (`BlockGrid`).
    func hasPartialColumnBlocks(shape: [Int]) -> Bool {
        heldGranularity(shape: shape) != granularity
    }
}

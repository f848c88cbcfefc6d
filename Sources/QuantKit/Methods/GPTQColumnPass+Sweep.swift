import CKernels

extension GPTQColumnPass {
    /// Scratch for `sweep`, per chunk of rows: the block's columns for 16 rows (`tile`, column `i`
    /// at `16 i`), and their codes and scaled errors in the same layout.
    struct SweepBuffers {
        let tile: UnsafeMutablePointer<Float>
        let codes: UnsafeMutablePointer<UInt8>
        let errors: UnsafeMutablePointer<Float>
    }

    /// The rows `rows` (at most 16) through the columns at the positions `block`, one SIMD lane
    /// per row, so that the rows' chains of dependent operations (each column's code waits for
    /// the previous column's error) overlap: `ck_gptq_sweep`, the hot loop of GPTQ outside the
    /// GEMMs, for each run of columns with the same scales and zero points (a group found at
    /// its first column, or found up front). Writes the codes and, row `lane` at
    /// `lane · block.count`, the scaled errors the GEMM takes to the columns after the block.
    func sweep(rows: Range<Int>, block: Range<Int>, _ buffers: SweepBuffers, errors: UnsafeMutablePointer<Float>,
               _ memory: Memory) {
        let width = block.count
        buffers.tile.update(repeating: 0, count: 16 * width)
        for (lane, r) in rows.enumerated() {
            let w = memory.weight + r * n + block.lowerBound
            for i in 0 ..< width { buffers.tile[16 * i + lane] = w[i] }
        }
        var parameters = LaneParameters()
        var i = 0
        while i < width {
            let p = block.lowerBound + i
            var end = i + 1
            if memory.upFront != nil {
                let group = order[p] / groupSize
                parameters.load(rows: rows, group: group, memory, groupsPerRow: n / groupSize)
                while end < width && order[block.lowerBound + end] / groupSize == group { end += 1 }
            } else {
                parameters.find(rows: rows, columns: buffers.tile + 16 * i, count: groupSize, grid: grid)
                parameters.record(rows: rows, group: p / groupSize, memory, groupsPerRow: n / groupSize)
                end = min(width, i + groupSize)
            }
            parameters.sweep(buffers, width: width, columns: i ..< end, grid: grid,
                             factor: memory.blockFactors + block.lowerBound * blockSize, stride: blockSize)
            i = end
        }
        for (lane, r) in rows.enumerated() {
            for i in 0 ..< width {
                memory.codes[r * n + order[block.lowerBound + i]] = buffers.codes[16 * i + lane]
                errors[lane * width + i] = buffers.errors[16 * i + lane]
            }
        }
    }
}

/// The scale and zero point of each of `sweep`'s rows (lanes beyond its rows: scale 1, zero
/// point 0).
struct LaneParameters {
    var scale = SIMD16<Float>(repeating: 1)
    var zeroPoint = SIMD16<Float>(repeating: 0)
    /// The group whose parameters `load` last loaded.
    private var loadedGroup = -1

    /// The up-front parameters of group `group` of each row, unless already loaded.
    mutating func load(rows: Range<Int>, group: Int, _ memory: GPTQColumnPass.Memory, groupsPerRow: Int) {
        guard group != loadedGroup, let upFront = memory.upFront else { return }
        loadedGroup = group
        for (lane, r) in rows.enumerated() { set(lane, upFront[r * groupsPerRow + group]) }
    }

    /// Each row's parameters from the range of its `count` current values at `columns` (the
    /// sweep's tile layout).
    mutating func find(rows: Range<Int>, columns: UnsafePointer<Float>, count: Int, grid: GPTQGrid) {
        for lane in 0 ..< rows.count {
            var (low, high) = (Float(0), Float(0))
            for c in 0 ..< count { (low, high) = (min(low, columns[16 * c + lane]), max(high, columns[16 * c + lane])) }
            set(lane, grid.parameter(min: low, max: high) { magnitude in
                (0 ..< count).lazy.map { columns[16 * $0 + lane] }.first { abs($0) == magnitude } ?? magnitude
            })
        }
    }

    /// Writes the rows' parameters as the ones found for group `group`.
    func record(rows: Range<Int>, group: Int, _ memory: GPTQColumnPass.Memory, groupsPerRow: Int) {
        for (lane, r) in rows.enumerated() {
            memory.found![r * groupsPerRow + group] = GPTQGrid.Parameter(scale: scale[lane], zeroPoint: Int32(zeroPoint[lane]))
        }
    }

    /// `ck_gptq_sweep` over `columns` of the tile with these parameters; `factor` is `U` within
    /// the block, row `i` at `factor + i · stride`.
    func sweep(_ buffers: GPTQColumnPass.SweepBuffers, width: Int, columns: Range<Int>, grid: GPTQGrid,
               factor: UnsafePointer<Float>, stride: Int) {
        withUnsafeBytes(of: scale) { scale in
            withUnsafeBytes(of: zeroPoint) { zeroPoint in
                ck_gptq_sweep(buffers.tile, width, columns.lowerBound, columns.upperBound,
                              scale.baseAddress!.assumingMemoryBound(to: Float.self),
                              zeroPoint.baseAddress!.assumingMemoryBound(to: Float.self), grid.qmin, grid.qmax,
                              factor, stride, buffers.codes, buffers.errors)
            }
        }
    }

    private mutating func set(_ lane: Int, _ parameter: GPTQGrid.Parameter) {
        scale[lane] = parameter.scale
        zeroPoint[lane] = Float(parameter.zeroPoint)
    }
}

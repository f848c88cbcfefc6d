/// Step 4 of `gptqQuantize`: every row of the weight quantized column by column in the
/// quantization order, each column's scaled rounding error `e = (w_p - ŵ_p) / U[p][p]` taken
/// from every later column `j` as `e · U[p][j]`, lazily batched (the paper's §3, Step 2): within
/// a block of `blockSize` columns one column at a time, to the columns after the block as one
/// float32 GEMM `W[:, after] -= E · U[block, after]` when the block is done.
///
/// Rows never meet: a row's codes depend on its own values, the shared `U` and, per tensor, the
/// scale found up front. So the rows are cut into chunks, each chunk running every block on its
/// own (its sweep and its GEMM), as tasks on `threads` threads; every value is computed by the
/// same operations whatever the chunks and the threads.
struct GPTQColumnPass {
    let grid: GPTQGrid
    let rows: Int
    /// `order[p]`: the original column quantized at position `p`.
    let order: [Int]
    /// `Uᵀ`, `[n, n]` row-major lower triangular: `U`, the upper Cholesky factor of the dampened
    /// inverse Hessian, in quantization order, transposed so that the GEMM reads its columns as
    /// rows.
    let factor: [Float]
    /// Each row's scale and zero point cover `groupSize` columns (`n` per channel and per tensor).
    let groupSize: Int
    /// Found up front, `[rows, n / groupSize]` row-major over groups of original columns (per
    /// channel, per tensor, and activation order's static groups); empty: found from a row's
    /// current values when the pass reaches a group's first position.
    let upFrontParameters: [GPTQGrid.Parameter]
    /// Columns per lazy batch; a multiple of `groupSize` when parameters are found at group starts.
    let blockSize: Int

    var n: Int { order.count }

    /// The codes, `[rows, n]` in original column order, and the parameters found at group
    /// starts, `[rows, n / groupSize]` (empty when they were found up front).
    struct Output {
        var codes: [UInt8]
        var foundParameters: [GPTQGrid.Parameter]
    }

    /// Quantizes every row of `weight` (`[rows, n]` row-major in quantization order, updated in
    /// place), in chunks of up to 1024 rows, at least two per thread.
    /// - Complexity: O(rows · n²) time, O(n · blockSize + chunk · blockSize) memory besides the
    ///   output.
    func run(weight: inout [Float], threads: Int) -> Output {
        let groupsPerRow = n / groupSize
        var output = Output(codes: [UInt8](repeating: 0, count: rows * n),
                            foundParameters: [GPTQGrid.Parameter](repeating: GPTQGrid.Parameter(scale: 1, zeroPoint: 0),
                                                                  count: upFrontParameters.isEmpty ? rows * groupsPerRow : 0))
        let chunk = min(1024, max(8, (rows + 2 * threads - 1) / (2 * threads)))
        let blocks = blockFactors()
        weight.withUnsafeMutableBufferPointer { weight in
            output.codes.withUnsafeMutableBufferPointer { codes in
                output.foundParameters.withUnsafeMutableBufferPointer { found in
                    factor.withUnsafeBufferPointer { factor in
                        blocks.withUnsafeBufferPointer { blocks in
                            upFrontParameters.withUnsafeBufferPointer { upFront in
                                let memory = Memory(weight: weight.baseAddress!, codes: codes.baseAddress!,
                                                    found: found.isEmpty ? nil : found.baseAddress,
                                                    factor: factor.baseAddress!, blockFactors: blocks.baseAddress!,
                                                    upFront: upFront.isEmpty ? nil : upFront.baseAddress)
                                parallelFor((rows + chunk - 1) / chunk, threads: threads) { task in
                                    runRows(task * chunk ..< min(rows, (task + 1) * chunk), memory)
                                }
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// Where `run` reads and writes (see the properties and `Output`); `blockFactors` as
    /// `blockFactors()` gives them.
    struct Memory {
        let weight: UnsafeMutablePointer<Float>
        let codes: UnsafeMutablePointer<UInt8>
        let found: UnsafeMutablePointer<GPTQGrid.Parameter>?
        let factor: UnsafePointer<Float>
        let blockFactors: UnsafePointer<Float>
        let upFront: UnsafePointer<GPTQGrid.Parameter>?
    }

    /// `U` within each block, `blockSize x blockSize` row-major per block (upper triangle, the
    /// diagonal included): block `b` at `b · blockSize²`, entry `(a, c)` is `U[b·blockSize + a][b·blockSize + c]`.
    private func blockFactors() -> [Float] {
        var blocks = [Float](repeating: 0, count: (n + blockSize - 1) / blockSize * blockSize * blockSize)
        for start in stride(from: 0, to: n, by: blockSize) {
            for a in 0 ..< min(blockSize, n - start) {
                for c in a ..< min(blockSize, n - start) {
                    blocks[start * blockSize + a * blockSize + c] = factor[(start + c) * n + start + a]
                }
            }
        }
        return blocks
    }

    /// Every block for the rows `chunk`: the sweep through the block, 16 rows at a time
    /// (`sweep(rows:block:_:errors:_:)`), then the GEMM that brings the block's errors to the
    /// chunk's columns after it.
    private func runRows(_ chunk: Range<Int>, _ memory: Memory) {
        let errors = UnsafeMutablePointer<Float>.allocate(capacity: chunk.count * blockSize)
        let buffers = SweepBuffers(tile: .allocate(capacity: 16 * blockSize), codes: .allocate(capacity: 16 * blockSize),
                                   errors: .allocate(capacity: 16 * blockSize))
        defer {
            for scratch in [UnsafeMutableRawPointer(errors), UnsafeMutableRawPointer(buffers.tile),
                            UnsafeMutableRawPointer(buffers.codes), UnsafeMutableRawPointer(buffers.errors)] { scratch.deallocate() }
        }
        for start in stride(from: 0, to: n, by: blockSize) {
            let block = start ..< min(n, start + blockSize)
            for first in stride(from: chunk.lowerBound, to: chunk.upperBound, by: 16) {
                sweep(rows: first ..< min(chunk.upperBound, first + 16), block: block, buffers,
                      errors: errors + (first - chunk.lowerBound) * block.count, memory)
            }
            guard block.upperBound < n else { continue }
            matrixProduct(errors, lda: block.count, memory.factor + block.upperBound * n + start, ldb: n,
                          m: chunk.count, n: n - block.upperBound, k: block.count, .subtract,
                          into: memory.weight + chunk.lowerBound * n + block.upperBound, ldc: n)
        }
    }
}

/// Quantizes a linear layer's weight with GPTQ (Frantar, Ashkboos, Hoefler, Alistarh, "GPTQ:
/// Accurate Post-Training Quantization for Generative Pre-trained Transformers", ICLR 2023,
/// arXiv:2210.17323), which minimizes the output error `‖X Wᵀ - X Ŵᵀ‖²` on calibration inputs `X`
/// instead of the weight error that round-to-nearest minimizes.
///
/// `weight` is `[outFeatures, inFeatures]` row-major (the layer computes `x Wᵀ`); `inputs` is the
/// layer's inputs `X`, `[samples, inFeatures]` row-major. Following the paper's Algorithm 1 and
/// its reference implementation (`gptq.py`, `GPTQ.fasterquant`):
/// 1. `H = 2 XᵀX / samples` (Double). An input that is 0 in every sample gets `H[i][i] = 1` and
///    its weight column is set to 0.
/// 2. With `activationOrder`, the columns are permuted by decreasing `H[i][i]` (a stable sort:
///    ties keep index order) and permuted back at the end.
/// 3. `U`: the upper Cholesky factor of `(H + damp · mean(diag H) · I)⁻¹`, so that
///    `(H + λI)⁻¹ = Uᵀ U` (Double, by blocks on the float64 GEMM, then rounded to float32;
///    `GPTQHessian.inverseUpperFactorTransposed`).
/// 4. Column by column (in float32): `q = quantize(w_i)` with the scale (and zero point) of each
///    row's channel or group; `e = (w_i - dequantize(q)) / U[i][i]`; every later column `j`
///    becomes `w_j - e · U[i][j]`, which is the optimal compensation of the paper's Eq. 3. The
///    updates are lazily batched (§3, Step 2): within a block of `blockSize` columns at once, to
///    the columns after the block as one float32 GEMM `E · U[block, after]` when the block is
///    done (`GPTQColumnPass`).
///
/// Scales and zero points use the min-max math of `quantize(_:shape:scheme:)`:
/// - per channel (axis 0) and per tensor: once, from the weight as given, before any update
///   (the reference's `find_params(W)`), so they equal round-to-nearest's;
/// - per group (`.perGroup(size: g)`): when the group's first column is reached, from the
///   group's *current* columns, with every earlier column's error already applied. The block
///   size is rounded to a multiple of `g` (down, and at least `g`) so that a group never straddles
///   a block and its columns are current.
/// - per group with `activationOrder`: all groups up front from the weight after step 1 (the
///   reference's `static_groups`), each group being the `g` consecutive original columns its
///   scale covers; a group's columns are quantized in activation order, not together.
///
/// The result is a `QuantizedTensor` of `scheme` and shape `[outFeatures, inFeatures]` in the
/// usual layout (per channel: `outFeatures` scales, axis 0; per group: `[out, in / g]`
/// row-major; per tensor: one), whose `dequantized()` is GPTQ's reconstruction `Ŵ`. It is the
/// same for every `threads`; against the NumPy reference (`Fixtures/gptq/reference.py`) a code
/// can differ by one where float summation orders differ near a rounding tie (see GPTQTests).
///
/// Throws `GPTQError` for sizes that do not match, an empty layer or no samples, non-finite
/// weights or inputs, a per-channel axis other than 0 (or -2), a group size that does not divide
/// `inFeatures`, invalid options, and a Hessian that is not positive definite after dampening.
///
/// - Complexity: O(samples · in² / 2 + 2 in³ / 3 + out · in²) time on `threads` threads; memory
///   `8 in²` bytes (the Hessian, then its factor) and `4 in²` (`U`), then `5 out · in` (the
///   weight being updated and the codes) besides the arguments.
/// ### See Also
/// - `quantize(_:shape:scheme:)`, the round-to-nearest baseline.
public func gptqQuantize(weight: [Float], outFeatures: Int, inFeatures: Int, inputs: [Float], samples: Int,
                         scheme: QuantScheme, options: GPTQOptions = GPTQOptions(),
                         threads: Int = defaultThreadCount) throws -> QuantizedTensor {
    let groupSize = try checkedGPTQGroupSize(weight: weight, outFeatures: outFeatures, inFeatures: inFeatures,
                                             samples: samples, scheme: scheme, options: options)
    try checkGPTQInputs(inputs, samples: samples, inFeatures: inFeatures)
    return try gptqQuantize(weight: weight, rows: outFeatures, groupSize: groupSize, scheme: scheme, options: options,
                            hessian: GPTQHessian(inputs: inputs, samples: samples, inFeatures: inFeatures), threads: threads)
}

/// `gptqQuantize` against the Hessian of the inputs `hessian` has summed (`GPTQHessianSum`)
/// instead of the inputs themselves: the same result up to the summation order of `XᵀX`.
///
/// Throws what `gptqQuantize(weight:outFeatures:inFeatures:inputs:...)` throws, with the sum's
/// samples for the inputs' (`GPTQError.emptyLayer` when it has none, `.inputSizeMismatch` when
/// its width is not `inFeatures`).
/// - Complexity: that of `gptqQuantize` without the `O(samples · in² / 2)` of the Hessian.
public func gptqQuantize(weight: [Float], outFeatures: Int, inFeatures: Int, hessian: GPTQHessianSum,
                         scheme: QuantScheme, options: GPTQOptions = GPTQOptions(),
                         threads: Int = defaultThreadCount) throws -> QuantizedTensor {
    let groupSize = try checkedGPTQGroupSize(weight: weight, outFeatures: outFeatures, inFeatures: inFeatures,
                                             samples: hessian.samples, scheme: scheme, options: options)
    guard hessian.inFeatures == inFeatures else {
        throw GPTQError.inputSizeMismatch(count: hessian.inFeatures * hessian.samples, samples: hessian.samples, inFeatures: inFeatures)
    }
    return try gptqQuantize(weight: weight, rows: outFeatures, groupSize: groupSize, scheme: scheme, options: options,
                            hessian: GPTQHessian(sum: hessian), threads: threads)
}

/// GPTQ's steps 2 to 4 (see `gptqQuantize`) on checked arguments.
private func gptqQuantize(weight: [Float], rows: Int, groupSize: Int?, scheme: QuantScheme, options: GPTQOptions,
                          hessian: GPTQHessian, threads: Int) throws -> QuantizedTensor {
    let n = hessian.size
    let grid = GPTQGrid(scheme: scheme)
    var order = Array(0 ..< n)
    if options.activationOrder {
        let diagonal = hessian.diagonal
        order.sort { diagonal[$0] > diagonal[$1] || (diagonal[$0] == diagonal[$1] && $0 < $1) }
    }
    let upFront = upFrontParameters(weight, rows: rows, grid: grid, groupSize: groupSize,
                                    activationOrder: options.activationOrder, dead: hessian.dead)
    let factor = try hessian.inverseUpperFactorTransposed(order: order, damp: options.damp, threads: threads)
    var working = quantizationOrderWeight(weight, rows: rows, order: order, dead: hessian.dead, threads: threads)
    var blockSize = options.blockSize
    if let g = groupSize, upFront.isEmpty { blockSize = max(1, blockSize / g) * g }
    let pass = GPTQColumnPass(grid: grid, rows: rows, order: order, factor: factor, groupSize: groupSize ?? n,
                              upFrontParameters: upFront, blockSize: blockSize)
    let output = pass.run(weight: &working, threads: threads)
    let parameters = upFront.isEmpty ? output.foundParameters : upFront
    let stored = scheme.granularity == .perTensor ? Array(parameters.prefix(1)) : parameters
    let axis: Int? = if case .perChannel = scheme.granularity { 0 } else { nil }
    return QuantizedTensor(scheme: scheme, shape: [rows, n], codes: output.codes, scales: stored.map(\.scale),
                           zeroPoints: scheme.symmetric ? [] : stored.map(\.zeroPoint), axis: axis)
}

/// Checks `gptqQuantize`'s arguments but the inputs (see its `Throws`) and returns the scheme's group size
/// (nil per channel or per tensor).
func checkedGPTQGroupSize(weight: [Float], outFeatures: Int, inFeatures: Int, samples: Int,
                          scheme: QuantScheme, options: GPTQOptions) throws(GPTQError) -> Int? {
    let (rows, n) = (outFeatures, inFeatures)
    guard rows > 0, n > 0, samples > 0 else { throw .emptyLayer(outFeatures: rows, inFeatures: n, samples: samples) }
    let (weightCount, weightOverflow) = rows.multipliedReportingOverflow(by: n)
    guard !weightOverflow, weight.count == weightCount else {
        throw .weightSizeMismatch(count: weight.count, outFeatures: rows, inFeatures: n)
    }
    if let index = firstNonFiniteIndex(weight) { throw .nonFiniteWeight(index: index) }
    guard options.damp >= 0, options.damp.isFinite, options.blockSize >= 1 else { throw .invalidOptions(options) }
    switch scheme.granularity {
    case .perTensor:
        return nil
    case .perChannel(let axis):
        guard axis == 0 || axis == -2 else { throw .unsupportedAxis(axis) }
        return nil
    case .perGroup(let size):
        guard size >= 1, n % size == 0 else { throw .groupSizeMismatch(groupSize: size, inFeatures: n) }
        return size
    }
}

/// Checks that `inputs` are `samples x inFeatures` finite values (see `gptqQuantize`'s `Throws`).
func checkGPTQInputs(_ inputs: [Float], samples: Int, inFeatures n: Int) throws(GPTQError) {
    let (inputCount, inputOverflow) = samples.multipliedReportingOverflow(by: n)
    guard !inputOverflow, inputs.count == inputCount else {
        throw .inputSizeMismatch(count: inputs.count, samples: samples, inFeatures: n)
    }
    if let index = firstNonFiniteIndex(inputs) { throw .nonFiniteInput(index: index) }
}

/// The parameters `gptqQuantize` finds before any update, `[rows, n / groupSize]` row-major
/// (see `GPTQColumnPass.upFrontParameters`): per channel, each row's from the weight as given;
/// per tensor, the whole weight's, repeated for every row; per group with activation order, each
/// group of original columns', dead columns read as 0. Empty per group in the natural order.
func upFrontParameters(_ weight: [Float], rows: Int, grid: GPTQGrid, groupSize: Int?, activationOrder: Bool,
                       dead: [Bool]) -> [GPTQGrid.Parameter] {
    let n = dead.count
    return weight.withUnsafeBufferPointer { weight in
        switch groupSize {
        case nil where grid.scheme.granularity == .perTensor:
            return [GPTQGrid.Parameter](repeating: grid.parameter(of: weight), count: rows)
        case nil:
            return (0 ..< rows).map { r in grid.parameter(of: UnsafeBufferPointer(rebasing: weight[r * n ..< (r + 1) * n])) }
        case let g? where activationOrder:
            var group = [Float](repeating: 0, count: g)
            return (0 ..< rows * (n / g)).map { flat in
                let (r, start) = (flat / (n / g), flat % (n / g) * g)
                for c in 0 ..< g { group[c] = dead[start + c] ? 0 : weight[r * n + start + c] }
                return group.withUnsafeBufferPointer { grid.parameter(of: $0) }
            }
        case .some:
            return []
        }
    }
}

/// The weight `[rows, n]` with column `p` taken from column `order[p]`, dead columns 0: the
/// values `GPTQColumnPass` updates.
func quantizationOrderWeight(_ weight: [Float], rows: Int, order: [Int], dead: [Bool], threads: Int) -> [Float] {
    let n = order.count
    return [Float](unsafeUninitializedCapacity: rows * n) { working, initialized in
        let working = working.baseAddress!
        weight.withUnsafeBufferPointer { weight in
            parallelFor((rows + 255) / 256, threads: threads) { task in
                for r in task * 256 ..< min(rows, task * 256 + 256) {
                    for p in 0 ..< n { working[r * n + p] = dead[order[p]] ? 0 : weight[r * n + order[p]] }
                }
            }
        }
        initialized = rows * n
    }
}

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
///    `(H + λI)⁻¹ = Uᵀ U` (Double, then rounded to float32; `GPTQHessian.inverseUpperFactor`).
/// 4. Column by column (in float32): `q = quantize(w_i)` with the scale (and zero point) of each
///    row's channel or group; `e = (w_i - dequantize(q)) / U[i][i]`; every later column `j`
///    becomes `w_j - e · U[i][j]`, which is the optimal compensation of the paper's Eq. 3. The
///    updates are lazily batched (§3, Step 2): within a block of `blockSize` columns at once, to
///    the columns after the block as one product `E · U[block, after]` when the block is done.
///
/// Scales and zero points use the min-max math of `quantize(_:shape:scheme:)`:
/// - per channel (axis 0) and per tensor: once, from the weight as given, before any update
///   (the reference's `find_params(W)`), so they equal round-to-nearest's;
/// - per group (`.perGroup(size: g)`): when the group's first column is reached, from the
///   group's *current* columns, with every earlier column's error already applied. The block
///   size is rounded to a multiple of `g` (down, and at least `g`) so that a group never straddles
///   a block and its columns are current. (The reference reads the group from `W`, which lacks
///   the updates from earlier columns of the same block; the two agree when groups start blocks.)
/// - per group with `activationOrder`: all groups up front from the weight after step 1 (the
///   reference's `static_groups`), each group being the `g` consecutive original columns its
///   scale covers; a group's columns are quantized in activation order, not together.
///
/// The result is a `QuantizedTensor` of `scheme` and shape `[outFeatures, inFeatures]` in the
/// usual layout (per channel: `outFeatures` scales, axis 0; per group: `[out, in / g]`
/// row-major; per tensor: one), whose `dequantized()` is GPTQ's reconstruction `Ŵ`.
///
/// Throws `GPTQError` for sizes that do not match, an empty layer or no samples, non-finite
/// weights or inputs, a per-channel axis other than 0 (or -2), a group size that does not divide
/// `inFeatures`, invalid options, and a Hessian that is not positive definite after dampening.
///
/// - Complexity: O(samples · in² + in³ + out · in²) time, O(in² + out · in) memory.
/// ### See Also
/// - `quantize(_:shape:scheme:)`, the round-to-nearest baseline.
public func gptqQuantize(weight: [Float], outFeatures: Int, inFeatures: Int, inputs: [Float], samples: Int,
                         scheme: QuantScheme, options: GPTQOptions = GPTQOptions()) throws -> QuantizedTensor {
    let groupSize = try checkedGPTQGroupSize(weight: weight, outFeatures: outFeatures, inFeatures: inFeatures, inputs: inputs,
                                             samples: samples, scheme: scheme, options: options)
    let (rows, n) = (outFeatures, inFeatures)
    var hessian = GPTQHessian(inputs: inputs, samples: samples, inFeatures: n)
    // Column-major: column c of the weight is `columns[c * rows ..< (c + 1) * rows]`, so every
    // per-column step runs over contiguous memory.
    var columns = [Float](repeating: 0, count: rows * n)
    for r in 0 ..< rows {
        for c in 0 ..< n { columns[c * rows + r] = weight[r * n + c] }
    }
    let grid = GPTQGrid(scheme: scheme, rows: rows)
    // Per channel and per tensor: from the weight as given, dead columns included.
    let fixedParameters = groupSize == nil ? grid.parameters(columns, columnRange: 0 ..< n) : nil
    for c in 0 ..< n where hessian.dead[c] {
        for r in 0 ..< rows { columns[c * rows + r] = 0 }
    }
    let staticGroups: [GPTQGrid.Parameters]? = groupSize.flatMap { g in
        options.activationOrder ? stride(from: 0, to: n, by: g).map { grid.parameters(columns, columnRange: $0 ..< $0 + g) } : nil
    }
    var order = Array(0 ..< n)
    if options.activationOrder {
        let diagonal = hessian.diagonal
        order.sort { diagonal[$0] > diagonal[$1] || (diagonal[$0] == diagonal[$1] && $0 < $1) }
        hessian = hessian.permuted(order)
        columns = permutedColumns(columns, order: order, rows: rows)
    }
    var pass = GPTQColumnPass(grid: grid, columns: columns, order: order, inverseFactor: try hessian.inverseUpperFactor(damp: options.damp),
                              groupSize: groupSize, staticGroups: staticGroups, fixedParameters: fixedParameters)
    var blockSize = options.blockSize
    if let g = groupSize, staticGroups == nil { blockSize = max(1, blockSize / g) * g }
    pass.run(blockSize: blockSize)
    return pass.result()
}

/// Checks `gptqQuantize`'s arguments (see its `Throws`) and returns the scheme's group size
/// (nil per channel or per tensor).
func checkedGPTQGroupSize(weight: [Float], outFeatures: Int, inFeatures: Int, inputs: [Float], samples: Int,
                          scheme: QuantScheme, options: GPTQOptions) throws(GPTQError) -> Int? {
    let (rows, n) = (outFeatures, inFeatures)
    guard rows > 0, n > 0, samples > 0 else { throw .emptyLayer(outFeatures: rows, inFeatures: n, samples: samples) }
    let (weightCount, weightOverflow) = rows.multipliedReportingOverflow(by: n)
    guard !weightOverflow, weight.count == weightCount else {
        throw .weightSizeMismatch(count: weight.count, outFeatures: rows, inFeatures: n)
    }
    let (inputCount, inputOverflow) = samples.multipliedReportingOverflow(by: n)
    guard !inputOverflow, inputs.count == inputCount else {
        throw .inputSizeMismatch(count: inputs.count, samples: samples, inFeatures: n)
    }
    if let index = firstNonFiniteIndex(weight) { throw .nonFiniteWeight(index: index) }
    if let index = firstNonFiniteIndex(inputs) { throw .nonFiniteInput(index: index) }
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

/// The column-major weight `columns` (`rows` values per column) with column `p` taken from
/// column `order[p]`.
func permutedColumns(_ columns: [Float], order: [Int], rows: Int) -> [Float] {
    var permuted = columns
    for p in order.indices {
        for r in 0 ..< rows { permuted[p * rows + r] = columns[order[p] * rows + r] }
    }
    return permuted
}

import CKernels

/// Writes `output`, the GGUF file `llama-quantize [options] input output TYPE` writes, byte for
/// byte: the plan (`GGUFPlan`) decides the metadata, the tensor order and each tensor's
/// type; quantized tensors are read whole, widened to float32 (exactly, from f16 and bf16, as
/// ggml does) and quantized row by row by ggml's quantizer (`GGMLQuantizers`); the others are
/// copied in pieces. Tensors are padded to 32 bytes, as llama-quantize pads them.
///
/// The file is written through `AtomicOutput`: on any error nothing is left at `output`, and
/// `output` may never be `input`. Memory: one tensor's float32 values and its blocks at a time.
///
/// With an importance matrix (`options.importance`, `llama-quantize --imatrix`), each tensor
/// with an entry is quantized with its weights (`GGUFImportancePlan`) and the metadata gains
/// llama-quantize's `quantize.imatrix.*` keys (`GGUFImportance.metadata(after:)`); the report
/// says what became of the matrix for each tensor.
///
/// - Throws: `FileError` naming the file (and tensor) with a `GGUFQuantizationError`,
///   `GGUFImportanceError`, `GGUFError` or I/O error; `OutputError` when `output` cannot be
///   created or replaced.
/// - Complexity: O(elements).
public func quantizeGGUF(input: String, output: String, options: GGUFQuantizationOptions, overwrite: Bool = false,
                         threads: Int = defaultThreadCount) throws -> GGUFReport {
    let source = try GGUFSource(path: input)
    let (plan, weighting) = try planGGUF(source, options: options)
    let metadata = options.importance?.metadata(after: plan.metadata) ?? plan.metadata
    let atomic = try AtomicOutput(destination: output, overwrite: overwrite, inputs: [input])
    let writer = try GGUFWriter(path: atomic.temporaryPath, displayPath: output, metadata: metadata,
                                tensors: plan.declarations)
    for entry in plan.tensors {
        if entry.isQuantized {
            try writeQuantized(entry, importance: weighting?.weights[entry.name], from: source, to: writer, threads: threads)
        } else {
            try writer.add(name: entry.name) { write in
                try source.copyStoredBytes(entry.name, pieceSize: 1 << 20) { piece in try write(piece) }
            }
        }
    }
    try writer.finish()
    try atomic.commit()
    return GGUFReport(plan, written: true, importance: importanceReport(weighting, options))
}

/// What `quantizeGGUF` would write from `input` with `options`, read from its header alone;
/// nothing is written (llama-quantize's `--dry-run`).
///
/// - Throws: as `quantizeGGUF` does for the header and the plan.
public func planGGUF(input: String, options: GGUFQuantizationOptions) throws -> GGUFReport {
    let (plan, weighting) = try planGGUF(GGUFSource(path: input), options: options)
    return GGUFReport(plan, written: false, importance: importanceReport(weighting, options))
}

/// The plan of `source` and, with an importance matrix, what it weighs (the requirement of
/// Q2_K_S checked).
private func planGGUF(_ source: GGUFSource, options: GGUFQuantizationOptions) throws
    -> (plan: GGUFPlan, weighting: GGUFImportancePlan?) {
    do {
        let plan = try GGUFPlan(metadata: source.metadata, tensors: source.ggmlTensors, options: options)
        let weighting = try options.importance.map { given throws(GGUFImportanceError) in
            try GGUFImportancePlan(plan, matrix: given.matrix)
        }
        try GGUFImportancePlan.checkRequirement(plan, weights: weighting?.weights ?? [:])
        return (plan, weighting)
    } catch let error as GGUFQuantizationError {
        throw FileError(path: source.path, member: error.tensor, error)
    } catch let error as GGUFImportanceError {
        throw FileError(path: source.path, member: error.tensor, error)
    }
}

/// What the importance matrix of `options` did, as `weighting` planned it.
private func importanceReport(_ weighting: GGUFImportancePlan?, _ options: GGUFQuantizationOptions) -> GGUFImportanceReport? {
    guard let weighting, let given = options.importance else { return nil }
    return GGUFImportanceReport(weighting, recordedPath: given.recordedPath)
}

/// Reads `entry`'s tensor as float32 rows, quantizes them to its output type (weighted by
/// `importance`, one slice of `dims[0]` per expert, when given) and adds them.
private func writeQuantized(_ entry: GGUFPlan.Entry, importance: [Float]?, from source: GGUFSource,
                            to writer: GGUFWriter, threads: Int) throws {
    // The plan admits only f32, f16 and bf16 tensors here, which widen to float32.
    let values = try source.load(entry.name).floatValues()!
    if let index = firstNonFinite(values) {
        throw FileError(path: source.path, member: entry.name,
                        GGUFQuantizationError.nonFinite(tensor: entry.name, index: index, value: values[index]))
    }
    let byteCount = entry.outputType.byteCount(elements: values.count)!
    var blocks = [UInt8](repeating: 0, count: byteCount)
    do {
        try values.withUnsafeBufferPointer { rows in
            try blocks.withUnsafeMutableBytes { blocks in
                if let importance {
                    try quantizeExperts(entry, rows: rows, importance: importance, into: blocks, threads: threads)
                } else {
                    try GGMLQuantizers.quantize(entry.outputType, rows: rows, rowLength: entry.dims[0], into: blocks,
                                                threads: threads)
                }
            }
        }
    } catch {
        throw FileError(path: source.path, member: entry.name, error)
    }
    try blocks.withUnsafeBytes { try writer.add(name: entry.name, bytes: $0) }
}

/// `rows` quantized expert by expert (a 2-D tensor is one expert): expert `e`'s `dims[1]` rows
/// with weights `e · dims[0] ..< (e + 1) · dims[0]`, as llama.cpp's `llama_tensor_quantize_impl`.
private func quantizeExperts(_ entry: GGUFPlan.Entry, rows: UnsafeBufferPointer<Float>, importance: [Float],
                             into blocks: UnsafeMutableRawBufferPointer, threads: Int) throws {
    let rowLength = entry.dims[0], expertCount = importance.count / rowLength
    let valuesPerExpert = rows.count / expertCount, bytesPerExpert = blocks.count / expertCount
    try importance.withUnsafeBufferPointer { importance in
        for expert in 0 ..< expertCount {
            let values = rows[expert * valuesPerExpert ..< (expert + 1) * valuesPerExpert]
            let weights = importance[expert * rowLength ..< (expert + 1) * rowLength]
            let expertBlocks = blocks[expert * bytesPerExpert ..< (expert + 1) * bytesPerExpert]
            try GGMLQuantizers.quantize(entry.outputType, rows: UnsafeBufferPointer(rebasing: values), rowLength: rowLength,
                                        importance: UnsafeBufferPointer(rebasing: weights),
                                        into: UnsafeMutableRawBufferPointer(rebasing: expertBlocks), threads: threads)
        }
    }
}

/// The flat index of the first NaN or infinity in `values`, if any (the range kernel's finite
/// flag first, so a finite tensor costs one fast pass).
private func firstNonFinite(_ values: [Float]) -> Int? {
    var (low, high, finite): (Float, Float, Int32) = (0, 0, 1)
    values.withUnsafeBytes { ck_range_fold($0.baseAddress, $0.count / 4, &low, &high, &finite) }
    return finite != 0 ? nil : values.firstIndex { !$0.isFinite }
}

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
/// - Throws: `FileError` naming the file (and tensor) with a `GGUFQuantizationError`,
///   `GGUFError` or I/O error; `OutputError` when `output` cannot be created or replaced.
/// - Complexity: O(elements).
public func quantizeGGUF(input: String, output: String, options: GGUFQuantizationOptions, overwrite: Bool = false,
                         threads: Int = defaultThreadCount) throws -> GGUFReport {
    let source = try GGUFSource(path: input)
    let plan = try planGGUF(source, options: options)
    let atomic = try AtomicOutput(destination: output, overwrite: overwrite, inputs: [input])
    let writer = try GGUFWriter(path: atomic.temporaryPath, displayPath: output, metadata: plan.metadata,
                                tensors: plan.declarations)
    for entry in plan.tensors {
        if entry.isQuantized {
            try writeQuantized(entry, from: source, to: writer, threads: threads)
        } else {
            try writer.add(name: entry.name) { write in
                try source.copyStoredBytes(entry.name, pieceSize: 1 << 20) { piece in try write(piece) }
            }
        }
    }
    try writer.finish()
    try atomic.commit()
    return GGUFReport(plan, written: true)
}

/// What `quantizeGGUF` would write from `input` with `options`, read from its header alone;
/// nothing is written (llama-quantize's `--dry-run`).
///
/// - Throws: as `quantizeGGUF` does for the header and the plan.
public func planGGUF(input: String, options: GGUFQuantizationOptions) throws -> GGUFReport {
    GGUFReport(try planGGUF(GGUFSource(path: input), options: options), written: false)
}

private func planGGUF(_ source: GGUFSource, options: GGUFQuantizationOptions) throws -> GGUFPlan {
    do {
        return try GGUFPlan(metadata: source.metadata, tensors: source.ggmlTensors, options: options)
    } catch {
        throw FileError(path: source.path, member: error.tensor, error)
    }
}

/// Reads `entry`'s tensor as float32 rows, quantizes them to its output type and adds them.
private func writeQuantized(_ entry: GGUFPlan.Entry, from source: GGUFSource, to writer: GGUFWriter,
                            threads: Int) throws {
    // The plan admits f32, f16 and bf16 tensors here, which widen to float32 exactly, and (when
    // requantizing) block types, which `load` dequantizes as ggml's `dequantize_row_<type>`.
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
                try GGMLQuantizers.quantize(entry.outputType, rows: rows, rowLength: entry.dims[0], into: blocks,
                                            threads: threads)
            }
        }
    } catch {
        throw FileError(path: source.path, member: entry.name, error)
    }
    try blocks.withUnsafeBytes { try writer.add(name: entry.name, bytes: $0) }
}

/// The flat index of the first NaN or infinity in `values`, if any (the range kernel's finite
/// flag first, so a finite tensor costs one fast pass).
private func firstNonFinite(_ values: [Float]) -> Int? {
    var (low, high, finite): (Float, Float, Int32) = (0, 0, 1)
    values.withUnsafeBytes { ck_range_fold($0.baseAddress, $0.count / 4, &low, &high, &finite) }
    return finite != 0 ? nil : values.firstIndex { !$0.isFinite }
}

/// Writes `output`, the GGUF file `llama-quantize --pure input output TYPE` writes, byte for
/// byte: the plan (`GGUFPurePlan`) decides the metadata, the tensor order and each tensor's
/// type; quantized tensors are read in slabs of whole rows, widened to float32 (exactly, from
/// f16 and bf16, as ggml does) and quantized row by row by ggml's quantizer (`GGMLQuantizers`)
/// on up to `threads` threads (`GGUFRowSlabQuantizer`); the others are copied in pieces.
/// Tensors are padded to 32 bytes, as llama-quantize pads them.
///
/// The file is written through `AtomicOutput`: on any error nothing is left at `output`, and
/// `output` may never be `input`. Memory: a few slabs of 8 MiB, whatever the tensors' sizes.
///
/// - Throws: `FileError` naming the file (and tensor) with a `GGUFPureError`, `GGUFError` or
///   I/O error; `OutputError` when `output` cannot be created or replaced.
/// - Complexity: O(elements).
public func quantizeGGUFPure(input: String, output: String, fileType: LlamaFileType, overwrite: Bool = false,
                             threads: Int = defaultThreadCount) throws -> GGUFPureReport {
    let source = try GGUFSource(path: input)
    let plan: GGUFPurePlan
    do {
        plan = try GGUFPurePlan(metadata: source.metadata, tensors: source.ggmlTensors, fileType: fileType)
    } catch {
        throw FileError(path: input, member: error.tensor, error)
    }
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
    return GGUFPureReport(plan)
}

/// Quantizes `entry`'s tensor to its output type, slab by slab (`GGUFRowSlabQuantizer`), and
/// adds it.
private func writeQuantized(_ entry: GGUFPurePlan.Entry, from source: GGUFSource, to writer: GGUFWriter,
                            threads: Int) throws {
    let outputType = entry.outputType, rowLength = entry.dims[0]
    let quantizer = GGUFRowSlabQuantizer(tensor: try source.ggmlTensor(entry.name),
                                         outputRowBytes: outputType.byteCount(elements: rowLength)!,
                                         slabBytes: GGUFRowSlabQuantizer.defaultSlabBytes) { rows, blocks in
        // No importance matrix: the bytes of llama-quantize --pure.
        try GGMLQuantizers.quantize(outputType, rows: rows, rowLength: rowLength, into: blocks, threads: 1)
    }
    try quantizer.write(from: source, to: writer, threads: threads)
}

import CKernels

/// Writes `output`, the GGUF file `llama-quantize [options] input output TYPE` writes, byte for
/// byte: the plan (`GGUFPlan`) decides the metadata, the tensor order and each tensor's
/// type; quantized tensors are read whole, widened to float32 (exactly, from f16 and bf16, as
/// ggml does; dequantized as ggml does when requantizing) and quantized row by row by ggml's
/// quantizer (`GGMLQuantizers`); the others are copied in pieces. Tensors are padded to 32
/// bytes, as llama-quantize pads them.
///
/// `input` may be the first shard of a split model (`GGUFSplitModel` finds and checks the
/// others); the output is then one file, or with `keepSplit` the same shards
/// (`GGUFSplitName.outputFiles`), as llama-quantize writes them.
///
/// Every file is written through `AtomicOutput` and all are committed together at the end
/// (`OutputRun`): on any error no file of the output is left, and no output may be an input
/// shard. Memory: one tensor's float32 values and its blocks at a time.
///
/// - Throws: `FileError` naming the file (and tensor) with a `GGUFQuantizationError`,
///   `GGUFSplitError`, `GGUFError` or I/O error; `OutputError` when an output cannot be
///   created or replaced.
/// - Complexity: O(elements).
public func quantizeGGUF(input: String, output: String, options: GGUFQuantizationOptions, overwrite: Bool = false,
                         threads: Int = defaultThreadCount) throws -> GGUFReport {
    let model = try GGUFSplitModel(path: input)
    let plan = try planGGUF(model, options: options)
    let files = GGUFSplitName.outputFiles(for: output, count: plan.shardCount, keepSplit: options.keepSplit)
    let run = OutputRun()
    let outputs = try files.map { try AtomicOutput(destination: $0, overwrite: overwrite, inputs: model.paths, run: run) }
    for (shard, atomic) in outputs.enumerated() {
        let writer = try GGUFWriter(path: atomic.temporaryPath, displayPath: atomic.destination,
                                    metadata: plan.metadata(shard: shard), tensors: plan.declarations(shard: shard))
        for entry in plan.tensors where entry.shard == shard {
            let source = try model.source(of: entry.name)
            if entry.isQuantized {
                try writeQuantized(entry, from: source, to: writer, threads: threads)
            } else {
                try writer.add(name: entry.name) { write in
                    try source.copyStoredBytes(entry.name, pieceSize: 1 << 20) { piece in try write(piece) }
                }
            }
        }
        try writer.finish()
    }
    do {
        for atomic in outputs { try atomic.commit() }
    } catch {
        run.undo()
        throw error
    }
    run.keep()
    return GGUFReport(plan, written: true, inputFiles: model.paths, outputFiles: files)
}

/// What `quantizeGGUF` would write from `input` to `output` with `options`, read from the
/// headers alone; nothing is written (llama-quantize's `--dry-run`).
///
/// - Throws: as `quantizeGGUF` does for the headers and the plan.
public func planGGUF(input: String, output: String, options: GGUFQuantizationOptions) throws -> GGUFReport {
    let model = try GGUFSplitModel(path: input)
    let plan = try planGGUF(model, options: options)
    return GGUFReport(plan, written: false, inputFiles: model.paths,
                      outputFiles: GGUFSplitName.outputFiles(for: output, count: plan.shardCount, keepSplit: options.keepSplit))
}

private func planGGUF(_ model: GGUFSplitModel, options: GGUFQuantizationOptions) throws -> GGUFPlan {
    do {
        return try GGUFPlan(metadata: model.metadata, tensors: model.ggmlTensors, shards: model.shardOfTensor, options: options)
    } catch {
        // A tensor's problem names the shard holding it.
        let shard = error.tensor.flatMap { try? model.source(of: $0) }
        throw FileError(path: shard?.path ?? model.paths[0], member: error.tensor, error)
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

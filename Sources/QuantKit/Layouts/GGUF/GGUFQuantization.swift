/// Writes `output`, the GGUF file `llama-quantize [options] input output TYPE` writes, byte for
/// byte: the plan (`GGUFPlan`) decides the metadata, the tensor order and each tensor's
/// type; quantized tensors are read in row slabs, widened to float32 (exactly, from f16 and
/// bf16, as ggml does; dequantized as ggml does when requantizing) and quantized row by row by
/// ggml's quantizer (`GGMLQuantizers`); the others are copied in pieces. Tensors are padded to
/// 32 bytes, as llama-quantize pads them.
///
/// `input` may be the first shard of a split model (`GGUFSplitModel` finds and checks the
/// others); the output is then one file, or with `keepSplit` the same shards
/// (`GGUFSplitName.outputFiles`), as llama-quantize writes them.
///
/// With an importance matrix (`options.importance`, `llama-quantize --imatrix`), each tensor
/// with an entry is quantized with its weights (`GGUFImportancePlan`) and the metadata gains
/// llama-quantize's `quantize.imatrix.*` keys (`GGUFPlan`); the report says what became of the
/// matrix for each tensor.
///
/// Every file is written through `AtomicOutput` and all are committed together at the end
/// (`OutputRun`): on any error no file of the output is left, and no output may be an input
/// shard. Memory: a few row slabs (`GGUFRowSlabQuantizer`), whatever the tensor's size.
///
/// - Throws: `FileError` naming the file (and tensor) with a `GGUFQuantizationError`,
///   `GGUFImportanceError`, `GGUFSplitError`, `GGUFError` or I/O error; `OutputError` when an
///   output cannot be created or replaced.
/// - Complexity: O(elements).
public func quantizeGGUF(input: String, output: String, options: GGUFQuantizationOptions, overwrite: Bool = false,
                         threads: Int = defaultThreadCount) throws -> GGUFReport {
    let model = try GGUFSplitModel(path: input)
    let (plan, weighting) = try planGGUF(model, options: options)
    let files = GGUFSplitName.outputFiles(for: output, count: plan.shardCount, keepSplit: options.keepSplit)
    let run = OutputRun()
    let outputs = try files.map { try AtomicOutput(destination: $0, overwrite: overwrite, inputs: model.paths, run: run) }
    for (shard, atomic) in outputs.enumerated() {
        let writer = try GGUFWriter(path: atomic.temporaryPath, displayPath: atomic.destination,
                                    metadata: plan.metadata(shard: shard), tensors: plan.declarations(shard: shard))
        for entry in plan.tensors where entry.shard == shard {
            let source = try model.source(of: entry.name)
            if entry.isQuantized {
                try writeQuantized(entry, importance: weighting?.weights[entry.name], from: source, to: writer,
                                   threads: threads)
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
    return GGUFReport(plan, written: true, inputFiles: model.paths, outputFiles: files,
                      importance: importanceReport(weighting, options))
}

/// What `quantizeGGUF` would write from `input` to `output` with `options`, read from the
/// headers alone; nothing is written (llama-quantize's `--dry-run`).
///
/// - Throws: as `quantizeGGUF` does for the headers and the plan.
public func planGGUF(input: String, output: String, options: GGUFQuantizationOptions) throws -> GGUFReport {
    let model = try GGUFSplitModel(path: input)
    let (plan, weighting) = try planGGUF(model, options: options)
    return GGUFReport(plan, written: false, inputFiles: model.paths,
                      outputFiles: GGUFSplitName.outputFiles(for: output, count: plan.shardCount, keepSplit: options.keepSplit),
                      importance: importanceReport(weighting, options))
}

/// The plan of `model` and, with an importance matrix, what it weighs (the requirement of
/// Q2_K_S checked); a tensor's problem names the shard holding it.
private func planGGUF(_ model: GGUFSplitModel, options: GGUFQuantizationOptions) throws
    -> (plan: GGUFPlan, weighting: GGUFImportancePlan?) {
    func located(_ error: any Error, tensor: String?) -> FileError {
        let shard = tensor.flatMap { try? model.source(of: $0) }
        return FileError(path: shard?.path ?? model.paths[0], member: tensor, error)
    }
    do {
        let plan = try GGUFPlan(metadata: model.metadata, tensors: model.ggmlTensors, shards: model.shardOfTensor,
                                options: options)
        let weighting = try options.importance.map { given throws(GGUFImportanceError) in
            try GGUFImportancePlan(plan, matrix: given.matrix)
        }
        try GGUFImportancePlan.checkRequirement(plan, weights: weighting?.weights ?? [:])
        return (plan, weighting)
    } catch let error as GGUFQuantizationError {
        throw located(error, tensor: error.tensor)
    } catch let error as GGUFImportanceError {
        throw located(error, tensor: error.tensor)
    }
}

/// What the importance matrix of `options` did, as `weighting` planned it.
private func importanceReport(_ weighting: GGUFImportancePlan?, _ options: GGUFQuantizationOptions) -> GGUFImportanceReport? {
    guard let weighting, let given = options.importance else { return nil }
    return GGUFImportanceReport(weighting, recordedPath: given.recordedPath)
}

/// Quantizes `entry`'s tensor to its output type in row slabs (`GGUFRowSlabQuantizer`: memory
/// a few slabs, whatever the tensor's size) and adds its blocks; weighted by `importance` when
/// given, expert `e`'s `dims[1]` rows by weights `e · dims[0] ..< (e + 1) · dims[0]` (a 2-D
/// tensor is one expert), as llama.cpp's `llama_tensor_quantize_impl` weighs them.
private func writeQuantized(_ entry: GGUFPlan.Entry, importance: [Float]?, from source: GGUFSource,
                            to writer: GGUFWriter, threads: Int) throws {
    let outputType = entry.outputType, rowLength = entry.dims[0]
    let rowBytes = outputType.byteCount(elements: rowLength)!
    let rowsPerExpert = entry.dims.count > 1 ? entry.dims[1] : 1
    let tolerates = importance == nil && GGMLQuantizers.toleratesNonFinite(outputType)
    let quantizer = GGUFRowSlabQuantizer(tensor: try source.ggmlTensor(entry.name), outputRowBytes: rowBytes,
                                         slabBytes: GGUFRowSlabQuantizer.defaultSlabBytes,
                                         quantizeRowsToleratesNonFinite: tolerates) { firstRow, rows, blocks in
        guard let importance else {
            return try GGMLQuantizers.quantize(outputType, rows: rows, rowLength: rowLength, into: blocks, threads: 1)
        }
        var row = 0
        let count = rows.count / rowLength
        while row < count {
            let expert = (firstRow + row) / rowsPerExpert
            let end = min(count, (expert + 1) * rowsPerExpert - firstRow)
            try importance.withUnsafeBufferPointer { weights in
                try GGMLQuantizers.quantize(
                    outputType, rows: UnsafeBufferPointer(rebasing: rows[row * rowLength ..< end * rowLength]),
                    rowLength: rowLength,
                    importance: UnsafeBufferPointer(rebasing: weights[expert * rowLength ..< (expert + 1) * rowLength]),
                    into: UnsafeMutableRawBufferPointer(rebasing: blocks[row * rowBytes ..< end * rowBytes]), threads: 1)
            }
            row = end
        }
    }
    try quantizer.write(from: source, to: writer, threads: threads)
}

/// Writes the float32 reconstruction of every quantized tensor of `archive` to `outputPath`
/// (an `.npz`, or a safetensors file) under its original name, `(codes - zero_point) * scale`
/// in float32; tensors that were kept in float are copied unchanged; scales, zero points and
/// metadata are dropped. Kept tensors are copied in pieces (`MemoryCost.pieceSize`); each
/// quantized tensor's cost (`MemoryCost.dequantizing`) is checked against `memoryBudget`
/// before anything is written. A source that stores tensors as blocks of its own
/// (`BlockQuantizedSource`: a GGUF file's q4_0 ... q6_K) needs no metadata: those tensors are
/// read dequantized as ggml reads them, in pieces like kept ones, and counted as dequantized.
/// - Returns: how many tensors were dequantized and how many copied.
public func dequantizeFile(
    archive: QuantizedArchive, outputPath: String, format: OutputFormat = .npz, compress: Bool, overwrite: Bool,
    memoryBudget: MemoryBudget = .unlimited
) throws -> (dequantized: Int, copied: Int) {
    let source = archive.source
    let blockSource = source as? any BlockQuantizedSource
    guard archive.metadata != nil || blockSource != nil else {
        throw FileError(path: source.path, ArchiveError.invalidMetadata(
            "no '\(NPZLayout.metadataName)' member: not an archive written by quantize"))
    }
    let tensors = archive.logicalTensors
    for (info, entry) in tensors {
        let needed = entry.map { MemoryCost.dequantizing(shape: $0.shape) } ?? MemoryCost.passthrough(info)
        guard needed <= memoryBudget.bytes else {
            throw FileError(path: source.path, member: info.name, MemoryBudgetError.overBudget(
                operation: .dequantizing, needed: needed, tensorBytes: info.storedByteCount, budget: memoryBudget))
        }
    }
    let output = try AtomicOutput(destination: outputPath, overwrite: overwrite, inputs: [source.path])
    defer { output.discard() }
    let infos = tensors.map { info, entry in entry.map { TensorInfo(name: $0.name, dtype: .float32, shape: $0.shape) } ?? info }
    let writer = try format.makeWriter(path: output.temporaryPath, displayPath: outputPath, tensors: infos, record: nil,
                                       compressed: compress)
    var counts = (dequantized: 0, copied: 0)
    for (info, entry) in tensors {
        if let entry {
            let quantized = try archive.loadQuantized(entry)
            try writer.add(name: info.name, tensor: Tensor(shape: quantized.shape, values: quantized.dequantized()))
            counts.dequantized += 1
        } else {
            try writer.add(name: info.name, dtype: info.dtype, shape: info.shape) { write in
                try source.copy(info.name, pieceSize: MemoryCost.pieceSize) { try write($0) }
            }
            if blockSource?.storedBlocks(of: info.name) != nil { counts.dequantized += 1 } else { counts.copied += 1 }
        }
    }
    try writer.finish()
    try output.commit()
    return counts
}

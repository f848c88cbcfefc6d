/// Writes the float32 reconstruction of every quantized tensor of `archive` to `outputPath`
/// under its original name, `(codes - zero_point) * scale` in float32; tensors that were kept
/// in float are copied unchanged; scales, zero points and metadata are dropped.
/// - Returns: how many tensors were dequantized and how many copied.
public func dequantizeFile(
    archive: QuantizedArchive, outputPath: String, compress: Bool, overwrite: Bool
) throws -> (dequantized: Int, copied: Int) {
    let source = archive.source
    guard let metadata = archive.metadata else {
        throw FileError(path: source.path, ArchiveError.invalidMetadata(
            "no '\(ArchiveLayout.metadataName)' member: not an archive written by quantize"))
    }
    let entries = Dictionary(metadata.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    let auxiliary = archive.auxiliaryMembers
    let output = try AtomicOutput(destination: outputPath, overwrite: overwrite, inputs: [source.path])
    defer { output.discard() }
    let writer = try NPZWriter(path: output.temporaryPath, displayPath: outputPath, compressed: compress)
    var counts = (dequantized: 0, copied: 0)
    for info in source.tensors where !auxiliary.contains(info.name) {
        if let entry = entries[info.name] {
            let quantized = try archive.loadQuantized(entry)
            try writer.add(name: info.name, tensor: Tensor(shape: quantized.shape, values: quantized.dequantized()))
            counts.dequantized += 1
        } else {
            try writer.add(name: info.name, tensor: try source.load(info.name))
            counts.copied += 1
        }
    }
    try writer.finish()
    try output.commit()
    return counts
}

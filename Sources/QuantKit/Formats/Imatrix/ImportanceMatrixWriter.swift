/// Writes `statistics` as the GGUF importance matrix llama-imatrix writes (imatrix.cpp
/// `save_imatrix`), which `llama-quantize --imatrix` reads: metadata `general.type = imatrix`,
/// `imatrix.datasets` (strings), `imatrix.chunk_count` and `imatrix.chunk_size` (u32), in that
/// order; then, entries sorted by name (bytes), `NAME.in_sum2` (f32 `[columns, 1]`) and
/// `NAME.counts` (f32 `[1, 1]`, the row count as a float). Written through `AtomicOutput`:
/// nothing is left at `path` on error, and it is never one of `inputs`.
///
/// - Throws: `FileError` naming `path` (a name too long for ggml, I/O); `OutputError` when
///   `path` cannot be created or replaced.
/// - Complexity: O(total columns).
public func writeImportanceMatrix(_ statistics: [ImportanceStatistics], datasets: [String], chunkCount: UInt32,
                                  chunkSize: UInt32, to path: String, overwrite: Bool = false, inputs: [String] = [])
    throws {
    let metadata = [
        GGUFMetadataEntry("general.type", .string(GGUFString("imatrix"))),
        GGUFMetadataEntry("imatrix.datasets", .array(.string(datasets.map { GGUFString($0) }))),
        GGUFMetadataEntry("imatrix.chunk_count", .uint32(chunkCount)),
        GGUFMetadataEntry("imatrix.chunk_size", .uint32(chunkSize)),
    ]
    let sorted = statistics.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
    let declarations = sorted.flatMap { entry in
        [GGUFTensorDeclaration(name: entry.name + ".in_sum2", type: .f32, dims: [entry.sumsOfSquares.count, 1]),
         GGUFTensorDeclaration(name: entry.name + ".counts", type: .f32, dims: [1, 1])]
    }
    let atomic = try AtomicOutput(destination: path, overwrite: overwrite, inputs: inputs)
    let writer = try GGUFWriter(path: atomic.temporaryPath, displayPath: path, metadata: metadata, tensors: declarations)
    for entry in sorted {
        try littleEndianBytes(entry.sumsOfSquares).withUnsafeBytes { try writer.add(name: entry.name + ".in_sum2", bytes: $0) }
        try littleEndianBytes([Float(entry.count)]).withUnsafeBytes { try writer.add(name: entry.name + ".counts", bytes: $0) }
    }
    try writer.finish()
    try atomic.commit()
}

private func littleEndianBytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
}

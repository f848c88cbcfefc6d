import FuzzSupport
import QuantKit

/// The GGUF reader: the header (counts, metadata of every type, nested arrays, tensor infos,
/// alignment, placement), every tensor it reads loaded, mapped and copied (block types
/// dequantized) and every block-type tensor's stored bytes copied;
/// then what was read is written again with `GGUFWriter` and must read back the same.
func fuzzGGUF(_ input: UnsafeRawBufferPointer) {
    guard let source = try? GGUFSource(path: FuzzSupport.file(with: input, suffix: ".gguf")) else { return }
    FuzzSupport.exercise(source)
    for tensor in source.ggmlTensors where tensor.type.dtype == nil {
        var count = 0
        try? source.copyStoredBytes(tensor.name, pieceSize: 4096) { count += $0.count }
        precondition(count == tensor.byteCount, "copy disagrees with the header")
    }
    rewrite(source)
}

/// Writes `source`'s metadata and tensors to a second file and checks that it reads back as
/// the same metadata and tensors. Files the writer refuses (names too long for ggml) are skipped.
func rewrite(_ source: GGUFSource) {
    let path = FuzzSupport.file(with: UnsafeRawBufferPointer(start: nil, count: 0), suffix: ".rewritten.gguf")
    guard let writer = try? GGUFWriter(path: path, metadata: source.metadata,
                                       tensors: source.ggmlTensors.map(GGUFTensorDeclaration.init)) else { return }
    for tensor in source.ggmlTensors {
        try! writer.add(name: tensor.name) { write in
            try source.copyStoredBytes(tensor.name, pieceSize: 4096) { piece in try write(piece) }
        }
    }
    try! writer.finish()
    let copy = try! GGUFSource(path: path)
    precondition(copy.metadata.count == source.metadata.count && zip(copy.metadata, source.metadata).allSatisfy {
        $0.key == $1.key && $0.value.type == $1.value.type
    }, "rewritten metadata differs")
    precondition(copy.ggmlTensors.map(GGUFTensorDeclaration.init) == source.ggmlTensors.map(GGUFTensorDeclaration.init),
                 "rewritten tensors differ")
}

FuzzSupport.run { data, size in
    fuzzGGUF(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

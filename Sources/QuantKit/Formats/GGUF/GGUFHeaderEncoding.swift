/// The header of a version 3 GGUF file holding `metadata` (in the order given) and `tensors`
/// laid out in the order given, padded with zeros to the alignment; each tensor's byte count;
/// and the alignment (`general.alignment` in `metadata`, else 32).
///
/// Refuses what `GGUFHeader` would refuse on reading it back (empty or repeated keys, a bad
/// `general.alignment`, repeated tensor names, dimension counts outside 1...4, sizes that
/// overflow, rows of partial blocks), and also negative dimensions and names too long for ggml.
func encodeGGUFHeader(metadata: [GGUFMetadataEntry], tensors: [GGUFTensorDeclaration])
    throws(GGUFWriterError) -> (bytes: [UInt8], byteCounts: [Int], alignment: Int) {
    var keys: Set<GGUFString> = []
    for (index, entry) in metadata.enumerated() {
        guard !entry.key.bytes.isEmpty else { throw .invalidHeader(.emptyKey(index: UInt64(index))) }
        guard keys.insert(entry.key).inserted else { throw .invalidHeader(.duplicateKey(entry.key)) }
    }
    let alignment: Int
    do {
        alignment = try GGUFHeader.alignment(in: metadata)
    } catch {
        throw .invalidHeader(error)
    }
    var bytes = GGUFHeader.magic
    bytes.appendLittleEndian(UInt32(3))
    bytes.appendLittleEndian(UInt64(tensors.count))
    bytes.appendLittleEndian(UInt64(metadata.count))
    for entry in metadata {
        bytes.appendGGUF(entry.key)
        bytes.appendGGUF(entry.value)
    }
    var names: Set<ExactName> = []
    var byteCounts: [Int] = []
    var offset = 0
    for tensor in tensors {
        guard names.insert(ExactName(tensor.name)).inserted else { throw .invalidHeader(.duplicateTensor(tensor.name)) }
        let byteCount = try checkedByteCount(of: tensor)
        bytes.appendGGUF(GGUFString(tensor.name))
        bytes.appendLittleEndian(UInt32(tensor.dims.count))
        for dim in tensor.dims { bytes.appendLittleEndian(UInt64(dim)) }
        bytes.appendLittleEndian(tensor.type.rawValue)
        bytes.appendLittleEndian(UInt64(offset))
        byteCounts.append(byteCount)
        let (end, overflow) = offset.addingReportingOverflow(byteCount + (alignment - byteCount % alignment) % alignment)
        guard !overflow else { throw .invalidHeader(.sizeOverflow(tensor: tensor.name, dims: tensor.dims.map { UInt64($0) })) }
        offset = end
    }
    bytes += [UInt8](repeating: 0, count: (alignment - bytes.count % alignment) % alignment)
    return (bytes, byteCounts, alignment)
}

/// The byte count of `tensor`, refusing what ggml cannot hold.
private func checkedByteCount(of tensor: GGUFTensorDeclaration) throws(GGUFWriterError) -> Int {
    guard tensor.name.utf8.count <= GGUFWriter.maxNameBytes else {
        throw .nameTooLong(tensor: tensor.name, bytes: tensor.name.utf8.count)
    }
    guard tensor.dims.allSatisfy({ $0 >= 0 }) else { throw .negativeDimension(tensor: tensor.name, dims: tensor.dims) }
    let dims = tensor.dims.map { UInt64($0) }
    switch ggmlByteCount(type: tensor.type, dims: dims) {
    case .success(let count):
        return count
    case .failure(.dimensionCount(let count)):
        throw .invalidHeader(.invalidDimensionCount(tensor: tensor.name, count: UInt32(clamping: count)))
    case .failure(.partialBlock(let rowLength)):
        throw .invalidHeader(.partialBlock(tensor: tensor.name, type: tensor.type, rowLength: rowLength))
    case .failure(.overflow):
        throw .invalidHeader(.sizeOverflow(tensor: tensor.name, dims: dims))
    }
}

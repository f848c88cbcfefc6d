/// The header of a GGUF file (llama.cpp's format), read and checked before any tensor data is.
///
/// A file is, all little-endian: the magic `GGUF`; the version (`UInt32`, 2 or 3); the tensor
/// count and the metadata entry count (`UInt64` each); the metadata entries (a key string, a
/// value type, the value: see `GGUFHeaderCursor.value(of:key:depth:)`); the tensor infos (a name
/// string, the dimension count `n` as `UInt32`, `n` dimensions as `UInt64` innermost first, the
/// ggml type as `UInt32`, the data offset as `UInt64`); zero padding to the alignment; the data
/// section. The alignment is `general.alignment` (a `uint32` power of two), 32 without it;
/// offsets are relative to the data section, which starts at the header's end rounded up to it.
///
/// Refused, as ggml refuses them (`gguf.cpp`): another magic or version (version 1 by name; a
/// version whose low 16 bits are zero is a big-endian file), an empty or repeated key, an
/// unknown value type, an array longer than 2^30, a non-`uint32` or non-power-of-two alignment,
/// repeated tensor names, more than 4 dimensions, sizes that overflow 64 bits, an unknown ggml
/// type, a row length that is not a whole number of blocks, an offset off the alignment, and
/// data past the end of the file. Refused beyond ggml: counts of tensors and entries that the
/// file could not hold at their smallest sizes (before anything is allocated for them), arrays
/// longer than the rest of the file could hold, arrays nested deeper than 64, tensor names that
/// are not UTF-8, 0 dimensions (ggml reads it as a scalar; no ggml writer writes it), and two
/// tensors sharing bytes. ggml also insists that tensors follow each other in offset order with
/// only alignment padding between them; this reader, like gguf-py's, allows gaps.
public struct GGUFHeader: Equatable, Sendable {
    public static let magic: [UInt8] = Array("GGUF".utf8)
    /// The alignment without `general.alignment` (`GGUF_DEFAULT_ALIGNMENT`).
    public static let defaultAlignment = 32
    /// Magic, version and the two counts.
    static let preambleSize: UInt64 = 24
    /// The least a tensor info takes: an empty name's length (8), the dimension count (4), one
    /// dimension (8), the type (4) and the offset (8).
    static let minimumTensorInfoSize: UInt64 = 32
    /// A one-byte key (8 + 1), the type (4), a one-byte value (1).
    static let minimumMetadataEntrySize: UInt64 = 14

    public let version: UInt32
    /// Every metadata entry, in file order.
    public let metadata: [GGUFMetadataEntry]
    /// Every tensor, in file order.
    public let tensors: [GGUFTensorInfo]
    public let alignment: Int
    /// Where the data section starts in the file.
    public let dataStart: UInt64

    /// Reads and checks the header of a file of `fileSize` bytes from `prefix`, its first bytes.
    /// Throws `.truncated` for a header running past `prefix` (see `read(from:)`).
    static func parse(prefix: [UInt8], fileSize: UInt64) throws(GGUFError) -> GGUFHeader {
        var cursor = GGUFHeaderCursor(prefix: prefix, fileSize: fileSize)
        let (version, tensorCount, entryCount) = try readPreamble(&cursor)
        let metadata = try readMetadata(&cursor, count: entryCount)
        let alignment = try alignment(in: metadata)
        var tensors: [GGUFTensorInfo] = []
        var names: Set<ExactName> = []
        for index in 0 ..< tensorCount {
            let tensor = try readTensorInfo(&cursor, index: index)
            guard names.insert(ExactName(tensor.name)).inserted else { throw .duplicateTensor(tensor.name) }
            tensors.append(tensor)
        }
        let headerEnd = cursor.offset
        let dataStart = headerEnd + (UInt64(alignment) - headerEnd % UInt64(alignment)) % UInt64(alignment)
        if !tensors.isEmpty {
            guard dataStart <= fileSize else {
                throw .truncated(field: "the padding before the tensor data", offset: headerEnd, count: dataStart - headerEnd)
            }
            try checkLayout(of: tensors, alignment: alignment, dataSize: fileSize - dataStart)
        }
        return GGUFHeader(version: version, metadata: metadata, tensors: tensors, alignment: alignment, dataStart: dataStart)
    }

    /// The magic, the version and the two counts, each count checked against what the file
    /// could hold.
    private static func readPreamble(_ cursor: inout GGUFHeaderCursor) throws(GGUFError)
        -> (version: UInt32, tensorCount: UInt64, entryCount: UInt64) {
        let magic = try cursor.bytes(4, field: "the magic")
        guard magic == Self.magic else { throw .badMagic(prefix: magic) }
        let version = try cursor.integer(UInt32.self, field: "the version")
        guard version == 0 || version & 0xFFFF != 0 else { throw .bigEndian(version: version) }
        guard version == 2 || version == 3 else { throw .unsupportedVersion(version) }
        let tensorCount = try cursor.integer(UInt64.self, field: "the tensor count")
        let entryCount = try cursor.integer(UInt64.self, field: "the metadata entry count")
        let room = cursor.fileSize - preambleSize
        guard tensorCount <= room / minimumTensorInfoSize else {
            throw .tooManyTensors(count: tensorCount, limit: room / minimumTensorInfoSize)
        }
        guard entryCount <= room / minimumMetadataEntrySize else {
            throw .tooManyMetadataEntries(count: entryCount, limit: room / minimumMetadataEntrySize)
        }
        return (version, tensorCount, entryCount)
    }

    /// `count` metadata entries; keys must be non-empty and distinct.
    private static func readMetadata(_ cursor: inout GGUFHeaderCursor, count: UInt64) throws(GGUFError) -> [GGUFMetadataEntry] {
        var entries: [GGUFMetadataEntry] = []
        var keys: Set<GGUFString> = []
        for index in 0 ..< count {
            let key = try cursor.string(field: "the key of metadata entry \(index)")
            guard !key.bytes.isEmpty else { throw .emptyKey(index: index) }
            guard keys.insert(key).inserted else { throw .duplicateKey(key) }
            let type = try cursor.valueType(key: key, field: "the value type of '\(key)'")
            entries.append(GGUFMetadataEntry(key: key, value: try cursor.value(of: type, key: key)))
        }
        return entries
    }

    /// `general.alignment`, or `defaultAlignment` without it.
    static func alignment(in metadata: [GGUFMetadataEntry]) throws(GGUFError) -> Int {
        guard let entry = metadata.first(where: { $0.key == GGUFString("general.alignment") }) else { return defaultAlignment }
        guard case .uint32(let alignment) = entry.value else { throw .alignmentNotUInt32(entry.value.type) }
        guard alignment != 0, alignment & (alignment - 1) == 0 else { throw .alignmentNotPowerOfTwo(alignment) }
        return Int(alignment)
    }

    /// Tensor info `index`: name, dimensions, type (its size checked) and offset.
    private static func readTensorInfo(_ cursor: inout GGUFHeaderCursor, index: UInt64) throws(GGUFError) -> GGUFTensorInfo {
        let rawName = try cursor.string(field: "the name of tensor \(index)")
        guard let name = rawName.string else { throw .tensorNameNotUTF8(index: index) }
        let dimensionCount = try cursor.integer(UInt32.self, field: "the dimension count of '\(name)'")
        guard (1 ... UInt32(ggmlMaxDimensions)).contains(dimensionCount) else {
            throw .invalidDimensionCount(tensor: name, count: dimensionCount)
        }
        var dims: [UInt64] = []
        for _ in 0 ..< dimensionCount { dims.append(try cursor.integer(field: "the dimensions of '\(name)'")) }
        let number = try cursor.integer(UInt32.self, field: "the type of '\(name)'")
        guard let type = GGMLType(rawValue: number) else { throw .unknownTensorType(tensor: name, number: number) }
        let byteCount: Int
        switch ggmlByteCount(type: type, dims: dims) {
        case .success(let count): byteCount = count
        case .failure(.partialBlock(let rowLength)): throw .partialBlock(tensor: name, type: type, rowLength: rowLength)
        case .failure: throw .sizeOverflow(tensor: name, dims: dims)
        }
        let offset = try cursor.integer(UInt64.self, field: "the offset of '\(name)'")
        return GGUFTensorInfo(name: name, type: type, dims: dims.map { Int($0) }, offset: offset, byteCount: byteCount)
    }

    /// Checks that every tensor's offset is aligned, its data inside the data section of
    /// `dataSize` bytes, and that no two tensors share a byte (empty tensors share none).
    private static func checkLayout(of tensors: [GGUFTensorInfo], alignment: Int, dataSize: UInt64) throws(GGUFError) {
        for tensor in tensors {
            guard tensor.offset % UInt64(alignment) == 0 else {
                throw .misalignedOffset(tensor: tensor.name, offset: tensor.offset, alignment: alignment)
            }
            let (end, overflow) = tensor.offset.addingReportingOverflow(UInt64(tensor.byteCount))
            guard !overflow, end <= dataSize else {
                throw .dataPastEnd(tensor: tensor.name, offset: tensor.offset, byteCount: tensor.byteCount, dataSize: dataSize)
            }
        }
        // In offset order (ties in file order), a tensor overlaps some earlier one exactly when
        // it starts before the end of the one just before it, once no earlier pair overlapped.
        let placed = tensors.enumerated().filter { $0.element.byteCount > 0 }
            .sorted { ($0.element.offset, $0.offset) < ($1.element.offset, $1.offset) }.map(\.element)
        for (previous, tensor) in zip(placed, placed.dropFirst())
        where tensor.offset < previous.offset + UInt64(previous.byteCount) {
            throw .overlap(tensor: tensor.name, other: previous.name)
        }
    }
}

extension GGUFHeader {
    /// The bytes read first; a longer header is read again in full (`read(from:)`).
    static let initialReadSize = 1 << 20

    /// Reads and checks the header of `file`: its first MiB, then, while the header runs on
    /// past what was read, a prefix at least twice as long and reaching the end of the field
    /// that ran over (never past the end of the file), parsing again each time. A header of
    /// `n` bytes costs at most about `2n` bytes read twice over.
    static func read(from file: ReadOnlyFile) throws -> GGUFHeader {
        var length = Int(clamping: min(file.size, UInt64(initialReadSize)))
        while true {
            let prefix = try file.readBytes(at: 0, count: length)
            do throws(GGUFError) {
                return try parse(prefix: prefix, fileSize: file.size)
            } catch {
                guard case .truncated(_, let offset, let count) = error, UInt64(length) < file.size else { throw error }
                let (end, overflow) = offset.addingReportingOverflow(count)
                guard !overflow, end <= file.size else { throw error }
                length = Int(clamping: min(file.size, max(end, UInt64(length) * 2)))
            }
        }
    }
}

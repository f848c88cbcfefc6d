/// Opens `path` with the reader its first bytes call for: `\x93NUMPY` is a single `.npy`
/// array, `PK` a zip (`.npz`) archive, `GGUF` a GGUF file (as is any file named `.gguf`, so
/// that one with another start is refused by the GGUF reader, naming what it found; a GGUF
/// file with tensors of ggml types it does not read is refused, see `openReadableGGUF`).
/// Safetensors has no magic number: a file is read as safetensors when its name ends in
/// `.safetensors`, or when its first 8 bytes are a little-endian header length `N` with
/// `2 <= N <= 100 MB` and `N + 8 <=` the file size and byte 8 is `{` (checked first: a zip's,
/// `.npy`'s or GGUF's first 8 bytes make a far larger `N`, or are not followed by `{`).
/// Anything else is refused, naming what it starts with. A safetensors file's FP8 tensors
/// without compressed-tensors scales read as float32 (`Float8Source`), and its MXFP4, NVFP4 and MXFP8
/// weights too (`MicroscaledSource`), as are an `.npz`'s weights its `__microscaling__` record
/// lists. Checksums of large `.npz` members are
/// verified on up to `threads` threads.
public func openTensorSource(path: String, threads: Int = 1) throws -> any TensorSource {
    let prefix: [UInt8]
    let size: UInt64
    do {
        let file = try ReadOnlyFile(path: path)
        guard file.size > 0 else { throw FileReadError.fileIsEmpty }
        size = file.size
        prefix = try file.readBytes(at: 0, count: Int(min(file.size, 9)))
    } catch {
        throw FileError(path: path, error)
    }
    if path.hasSuffix(".safetensors") || looksLikeSafetensors(prefix: prefix, fileSize: size) {
        let source = try SafetensorsSource(path: path)
        do {
            return try Float8Source.reading(MicroscaledSource.reading(source))
        } catch {
            throw FileError(path: path, error)
        }
    }
    if path.hasSuffix(".gguf") || prefix.starts(with: GGUFHeader.magic) {
        return try openReadableGGUF(path: path)
    }
    if prefix.starts(with: NPYHeader.magic.prefix(min(prefix.count, 4))), prefix.first == NPYHeader.magic.first {
        return try NPYFileSource(path: path)
    }
    if prefix.starts(with: [0x50, 0x4B]) {
        let source = try NPZSource(path: path, threads: threads)
        do {
            return try MicroscaledSource.readingRecorded(source)
        } catch {
            throw FileError(path: path, error)
        }
    }
    throw FileError(path: path, UnknownFormat(prefix: Array(prefix.prefix(4))))
}

/// `GGUFSource(path:)`, refusing a file that holds tensors of ggml types it does not read (IQ*,
/// TQ*, MXFP4, ...): `tensors` leaves those out, so a command walking `tensors` would drop them
/// from its output without a word. Such files are read with `GGUFSource` directly, using
/// `ggmlTensors` (as `inspect` and the GGUF writer's copy do).
private func openReadableGGUF(path: String) throws -> GGUFSource {
    let source = try GGUFSource(path: path)
    if let tensor = source.unreadableTensors.first {
        throw FileError(path: path, member: tensor.name, GGUFError.unreadableType(tensor: tensor.name, type: tensor.type))
    }
    return source
}

/// Whether the first 9 bytes of a file of `fileSize` bytes read as a safetensors header length
/// and the `{` that starts the header (see `openTensorSource`).
private func looksLikeSafetensors(prefix: [UInt8], fileSize: UInt64) -> Bool {
    guard prefix.count == 9, prefix[8] == UInt8(ascii: "{") else { return false }
    let length = prefix[0 ..< 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    return length >= 2 && length <= UInt64(SafetensorsHeader.maxLength) && length <= fileSize - 8
}

/// A file that is neither `.npy`, `.npz`, safetensors nor GGUF.
public struct UnknownFormat: Error, Equatable, Sendable, CustomStringConvertible {
    public let prefix: [UInt8]

    public var description: String {
        let shown = prefix.map { (0x20 ..< 0x7F).contains($0) ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }
        return "not a NumPy .npy or .npz file, nor a safetensors or GGUF file (starts with \"\(shown.joined())\")"
    }
}

/// Whether `path` names a GGUF file as `openTensorSource` decides it: a `.gguf` name, or a file
/// starting with `GGUF` (false for a file that cannot be read: opening it says why).
public func isGGUFFile(path: String) -> Bool {
    if path.hasSuffix(".gguf") { return true }
    guard let file = try? ReadOnlyFile(path: path), let prefix = try? file.readBytes(at: 0, count: Int(min(file.size, 4))) else {
        return false
    }
    return prefix == GGUFHeader.magic
}

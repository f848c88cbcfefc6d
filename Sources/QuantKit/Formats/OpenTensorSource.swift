/// Opens `path` with the reader its first bytes call for: `\x93NUMPY` is a single `.npy`
/// array, `PK` a zip (`.npz`) archive. Anything else is refused, naming what it starts with.
/// Checksums of large members are verified on up to `threads` threads.
public func openTensorSource(path: String, threads: Int = 1) throws -> any TensorSource {
    let prefix: [UInt8]
    do {
        let file = try ReadOnlyFile(path: path)
        guard file.size > 0 else { throw FileReadError.fileIsEmpty }
        prefix = try file.readBytes(at: 0, count: Int(min(file.size, 4)))
    } catch {
        throw FileError(path: path, error)
    }
    if prefix.starts(with: NPYHeader.magic.prefix(prefix.count)), prefix.first == NPYHeader.magic.first {
        return try NPYFileSource(path: path)
    }
    if prefix.starts(with: [0x50, 0x4B]) {
        return try NPZSource(path: path, threads: threads)
    }
    throw FileError(path: path, UnknownFormat(prefix: prefix))
}

/// A file that is neither `.npy` nor `.npz`.
public struct UnknownFormat: Error, Equatable, Sendable, CustomStringConvertible {
    public let prefix: [UInt8]

    public var description: String {
        let shown = prefix.map { (0x20 ..< 0x7F).contains($0) ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }
        return "not a NumPy .npy or .npz file (starts with \"\(shown.joined())\")"
    }
}

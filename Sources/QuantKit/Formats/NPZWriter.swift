/// Writes tensors as an `.npz` archive: each one a zip member `NAME.npy` holding exactly what
/// `np.save` would write, stored or deflated. Streams: each tensor goes out as it is added.
public final class NPZWriter {
    private let zip: ZipWriter
    /// The name to put in error messages (the final output path, not the temporary file).
    private let displayPath: String
    private let compressed: Bool

    /// Creates (or truncates) `path`; errors name `displayPath`. CRCs of large members are
    /// computed on up to `threads` threads.
    public init(path: String, displayPath: String, compressed: Bool, threads: Int = 1) throws(FileError) {
        do {
            zip = try ZipWriter(path: path, threads: threads)
        } catch {
            throw FileError(path: displayPath, error)
        }
        self.displayPath = displayPath
        self.compressed = compressed
    }

    /// How many bytes a streamed member is best written in: small for stored members (the
    /// bytes are still in cache when written), large for deflated ones (a write is compressed
    /// in 1 MiB blocks on every core).
    public var preferredWriteSize: Int { compressed ? 4 << 20 : 1 << 20 }

    /// Appends `tensor` as the member `name.npy`.
    public func add(name: String, tensor: Tensor) throws {
        try tensor.bytes.withUnsafeBytes { bytes in
            try add(name: name, dtype: tensor.dtype, shape: tensor.shape, bytes: bytes)
        }
    }

    /// Appends the member `name.npy` holding `bytes`, the C-order little-endian data of a
    /// `dtype` array of `shape`.
    public func add(name: String, dtype: DType, shape: [Int], bytes: UnsafeRawBufferPointer) throws {
        try add(name: name, dtype: dtype, shape: shape) { write in try write(bytes) }
    }

    /// Appends the member `name.npy` for a `dtype` array of `shape` whose C-order little-endian
    /// data `body` hands, piece by piece, to the `write` function it is given. In a stored
    /// archive each piece is written in the background while `body` goes on, so a piece must
    /// stay valid until the next call to `write` (a call with no bytes waits for the last one).
    public func add(name: String, dtype: DType, shape: [Int],
                    _ body: (_ write: (UnsafeRawBufferPointer) throws(FileError) -> Void) throws -> Void) throws {
        let zip = self.zip
        let displayPath = self.displayPath
        let compressed = self.compressed
        func wrapped(_ error: ZipError) -> FileError { FileError(path: displayPath, member: name, error) }
        do {
            try zip.beginMember(name: name + ".npy", compressed: compressed)
            try zip.write(encodeNPYHeader(dtype: dtype, shape: shape))
        } catch {
            throw wrapped(error)
        }
        try body { (bytes) throws(FileError) in
            do throws(ZipError) {
                if compressed {
                    try zip.write(bytes)
                } else {
                    try zip.writeInBackground(bytes)
                }
            } catch {
                throw wrapped(error)
            }
        }
        do {
            try zip.endMember()
        } catch {
            throw wrapped(error)
        }
    }

    /// Writes the central directory; the archive is complete after this.
    public func finish() throws(FileError) {
        do {
            try zip.finish()
        } catch {
            throw FileError(path: displayPath, error)
        }
    }
}

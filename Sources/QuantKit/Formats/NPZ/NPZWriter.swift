/// Writes tensors as an `.npz` archive: each one a zip member `NAME.npy` holding exactly what
/// `np.save` would write, stored or deflated. Streams: each tensor goes out as it is added.
///
/// NumPy has no bfloat16: a bfloat16 tensor is stored as float32, widened exactly (each value's
/// bits shifted up by 16), so `np.load` reads the same values at twice the size.
public final class NPZWriter: TensorFileWriter {
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

    /// Appends the member `name.npy` for a `dtype` array of `shape` whose C-order little-endian
    /// data `body` hands, piece by piece, to the `write` function it is given. In a stored
    /// archive each piece is written in the background while `body` goes on, so a piece must
    /// stay valid until the next call to `write` (a call with no bytes waits for the last one).
    ///
    /// bfloat16 data is widened to a float32 member as it arrives, at most
    /// `preferredWriteSize / 2` bytes at a time; its pieces must hold whole elements (an even
    /// number of bytes), or `NPZError.splitBFloat16Element` is thrown.
    public func add(name: String, dtype: DType, shape: [Int],
                    _ body: (_ write: (UnsafeRawBufferPointer) throws(FileError) -> Void) throws -> Void) throws {
        guard dtype == .bfloat16 else { return try addMember(name: name, dtype: dtype, shape: shape, body) }
        let chunk = preferredWriteSize / 2
        let widened = UnsafeMutableRawBufferPointer.allocate(byteCount: 2 * chunk, alignment: 64)
        defer { widened.deallocate() }
        let displayPath = self.displayPath
        try addMember(name: name, dtype: .float32, shape: shape) { write in
            // Wait for the last background write of `widened`, also when `body` throws, before
            // it is freed; a failure of that write is thrown again when the member ends.
            defer { try? write(UnsafeRawBufferPointer(start: nil, count: 0)) }
            try withoutActuallyEscaping(write) { write in
                try body { (piece) throws(FileError) in
                    guard piece.count % 2 == 0 else {
                        throw FileError(path: displayPath, member: name, NPZError.splitBFloat16Element(byteCount: piece.count))
                    }
                    var start = 0
                    while start < piece.count {
                        let count = min(chunk, piece.count - start)
                        // The previous background write may still be reading `widened`.
                        try write(UnsafeRawBufferPointer(start: nil, count: 0))
                        let out = UnsafeMutableRawBufferPointer(rebasing: widened[0 ..< 2 * count])
                        widenBFloat16(UnsafeRawBufferPointer(rebasing: piece[start ..< start + count]), into: out)
                        try write(UnsafeRawBufferPointer(out))
                        start += count
                    }
                }
            }
        }
    }

    /// Places the data of a stored member (`TensorFileWriter.addPlaced`): each piece is written
    /// at its offset by the thread that made it, its CRC-32 computed there. False for a
    /// deflated archive, whose stream is made in order, and for bfloat16, widened as it goes.
    public func addPlaced(name: String, dtype: DType, shape: [Int], _ body: (PlacedPieces) throws -> Void) throws -> Bool {
        guard !compressed, dtype != .bfloat16 else { return false }
        let (zip, displayPath) = (self.zip, self.displayPath)
        let describe: @Sendable (ZipError) -> FileError = { FileError(path: displayPath, member: name, $0) }
        do throws(ZipError) {
            try zip.beginMember(name: name + ".npy", compressed: false)
            try zip.write(encodeNPYHeader(dtype: dtype, shape: shape))
        } catch {
            throw describe(error)
        }
        try zip.writePlaced(count: TensorInfo(name: name, dtype: dtype, shape: shape).storedByteCount, describe: describe, body)
        do throws(ZipError) {
            try zip.endMember()
        } catch {
            throw describe(error)
        }
        return true
    }

    /// `add` for a dtype NumPy has.
    private func addMember(name: String, dtype: DType, shape: [Int],
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

/// Writes tensors as an `.npz` archive: each one a zip member `NAME.npy` holding exactly what
/// `np.save` would write, stored or deflated. Streams: each tensor goes out as it is added.
public final class NPZWriter {
    private let zip: ZipWriter
    /// The name to put in error messages (the final output path, not the temporary file).
    private let displayPath: String
    private let compressed: Bool

    /// Creates (or truncates) `path`; errors name `displayPath`.
    public init(path: String, displayPath: String, compressed: Bool) throws(FileError) {
        do {
            zip = try ZipWriter(path: path)
        } catch {
            throw FileError(path: displayPath, error)
        }
        self.displayPath = displayPath
        self.compressed = compressed
    }

    /// Appends `tensor` as the member `name.npy`.
    public func add(name: String, tensor: Tensor) throws(FileError) {
        do {
            try zip.beginMember(name: name + ".npy", compressed: compressed)
            try zip.write(encodeNPYHeader(dtype: tensor.dtype, shape: tensor.shape))
            try tensor.bytes.withUnsafeBytes { try zip.write($0) }
            try zip.endMember()
        } catch {
            throw FileError(path: displayPath, member: name, error)
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

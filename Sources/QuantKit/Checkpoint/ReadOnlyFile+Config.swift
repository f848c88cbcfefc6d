extension ReadOnlyFile {
    /// The whole of the small file at `path` (a `config.json`), refused when larger than
    /// `limit` bytes; special files are refused as every input is.
    static func contents(of path: String, limit: Int) throws -> [UInt8] {
        let file = try ReadOnlyFile(path: path)
        guard file.size <= UInt64(limit) else { throw ModelConfigError.tooLarge(Int(clamping: file.size)) }
        return try file.readBytes(at: 0, count: Int(file.size))
    }
}

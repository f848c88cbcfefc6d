/// What `quantize inspect` prints of one file, whatever its format: a table, a JSON object, and
/// whether it found problems.
public protocol FileInspection: Sendable {
    func renderedTable() -> String
    func renderedJSON() -> String
    /// Each inconsistency found, one sentence each; empty for a consistent file.
    var problems: [String] { get }
}

extension Inspection: FileInspection {}
extension GGUFInspection: FileInspection {}

/// Inspects the file at `path`: a GGUF file (by magic, or a `.gguf` name) as `GGUFInspection`,
/// which lists every tensor whatever its ggml type; any other format `openTensorSource` reads as
/// an `Inspection` of it as an archive.
public func inspectFile(path: String) throws -> any FileInspection {
    if isGGUFFile(path: path) {
        let source = try GGUFSource(path: path)
        return try GGUFInspection(source: source, fileSize: source.fileSize)
    }
    return try Inspection(archive: QuantizedArchive(source: openTensorSource(path: path)))
}

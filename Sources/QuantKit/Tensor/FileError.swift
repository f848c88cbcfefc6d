/// An error together with the file, and the member or tensor inside it, that it concerns.
///
/// Format readers throw their own error enums (`NPYError`, `ZipError`, ...); whoever knows the
/// file wraps them in a `FileError`, so the one-line message names file, member and problem:
/// `model.npz: member 'fc1.weight.npy': CRC-32 mismatch (stored 0x1234abcd, computed 0x00ff00ff)`.
public struct FileError: Error, CustomStringConvertible {
    public let path: String
    /// The zip member or tensor the problem is in, when there is one.
    public let member: String?
    public let underlying: any Error

    public init(path: String, member: String? = nil, _ underlying: any Error) {
        self.path = path
        self.member = member
        self.underlying = underlying
    }

    public var description: String {
        let location = member.map { "\(path.escapedForMessage): '\($0.escapedForMessage)'" } ?? path.escapedForMessage
        return "\(location): \("\(underlying)".escapedForMessage)"
    }
}

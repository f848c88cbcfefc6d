/// Why `GGUFWriter` cannot write a file; most cases are a caller breaking the writer's contract
/// (tensors added out of the declared order or with the wrong byte count).
public enum GGUFWriterError: Error, Equatable, Sendable, CustomStringConvertible {
    case createFailed(String)
    case writeFailed(String)
    /// The metadata or a tensor declaration is one `GGUFHeader` would refuse (a repeated or
    /// empty key, a bad `general.alignment`, a repeated tensor name, a bad shape).
    case invalidHeader(GGUFError)
    /// A declared dimension is negative.
    case negativeDimension(tensor: String, dims: [Int])
    /// A tensor name of 64 bytes or more, which ggml cannot hold (`GGML_MAX_NAME`).
    case nameTooLong(tensor: String, bytes: Int)
    /// `add` named another tensor than the next declared one (nil: all were written).
    case unexpectedTensor(added: String, expected: String?)
    /// The data handed to `add` was not the declared size (`written`: as far as it got).
    case wrongByteCount(tensor: String, expected: Int, written: Int)
    /// `finish` came before these declared tensors were added.
    case missingTensors([String])
    /// The writer is finished, or an earlier `add` failed part-way and left the file unusable.
    case closed

    /// The tensor the problem is in, if any.
    public var tensor: String? {
        switch self {
        case .invalidHeader(let error): error.tensor
        case .negativeDimension(let tensor, _), .nameTooLong(let tensor, _), .wrongByteCount(let tensor, _, _): tensor
        case .unexpectedTensor(let added, _): added
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .createFailed(let message):
            "cannot create: \(message)"
        case .writeFailed(let message):
            "write failed: \(message)"
        case .invalidHeader(let error):
            "\(error)"
        case .negativeDimension(_, let dims):
            "dimensions \(dims) (innermost first) include a negative one"
        case .nameTooLong(_, let bytes):
            "the name is \(bytes) bytes; ggml holds names of at most \(GGUFWriter.maxNameBytes)"
        case .unexpectedTensor(let added, let expected):
            expected.map { "tensor '\(added)' added where '\($0)' was declared next" }
                ?? "tensor '\(added)' added after every declared tensor was written"
        case .wrongByteCount(_, let expected, let written):
            "\(written) bytes of data written where the declared type and dimensions need \(expected)"
        case .missingTensors(let names):
            "finished before \(names.count) declared tensors were written (first: '\(names[0])')"
        case .closed:
            "the writer is finished or an earlier write failed"
        }
    }
}

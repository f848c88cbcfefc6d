/// Why a weight cannot be quantized to, or read back from, a microscaling format; a
/// `FileError` names the file and tensor before the sentence.
public enum MicroscalingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not a 2-D `[out, in]` weight (or not as many values as its shape holds).
    case notTwoDimensional(shape: [Int])
    /// The row length is not a multiple of the format's group (compressed-tensors refuses it too).
    case rowNotMultipleOfGroup(columns: Int, groupSize: Int)
    /// A NaN or infinity at flat index `index`.
    case nonFinite(index: Int)
    /// A stored codes or scales tensor whose shape is not the one the weight's shape implies.
    case storedShape(member: String, expected: [Int], actual: [Int])

    public var description: String {
        switch self {
        case .notTwoDimensional(let shape):
            "a microscaled weight is a 2-D [out, in] matrix, this one is \(formatShape(shape))"
        case .rowNotMultipleOfGroup(let columns, let groupSize):
            "rows of \(columns) elements are not whole groups of \(groupSize) (compressed-tensors refuses them too; nothing is padded)"
        case .nonFinite(let index):
            "element \(index) is NaN or infinite"
        case .storedShape(let member, let expected, let actual):
            "the \(member) are \(formatShape(actual)), expected \(formatShape(expected))"
        }
    }
}

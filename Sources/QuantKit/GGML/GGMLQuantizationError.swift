/// Why rows of floats cannot be quantized to a ggml block type (or blocks dequantized);
/// `description` is one human sentence.
public enum GGMLQuantizationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The type has no block quantizer here (only the legacy types Q4_0, Q4_1, Q5_0, Q5_1, Q8_0).
    case unsupportedType(GGMLType)
    /// The type has no dequantizer here (`GGMLDequantizers.types` lists those that have one).
    case notReadable(GGMLType)
    /// A row length that is not a positive multiple of the type's block size.
    case rowLengthNotWholeBlocks(rowLength: Int, blockSize: Int)
    /// Input bytes that are not a whole number of rows of float32 values.
    case inputNotWholeRows(bytes: Int, rowBytes: Int)
    /// Input bytes that are not a whole number of blocks.
    case inputNotWholeBlocks(bytes: Int, blockBytes: Int)
    /// An output buffer of the wrong size.
    case outputSize(expected: Int, actual: Int)
    /// An importance matrix whose length is not the row length.
    case importanceLength(expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .unsupportedType(let type):
            "ggml type \(type) cannot be quantized here (supported: q4_0, q4_1, q5_0, q5_1, q8_0)"
        case .notReadable(let type):
            "ggml type \(type) cannot be read here (readable: \(GGMLDequantizers.types.map(\.description).joined(separator: ", ")))"
        case .rowLengthNotWholeBlocks(let rowLength, let blockSize):
            "a row of \(rowLength) values is not a whole number of \(blockSize)-value blocks"
        case .inputNotWholeRows(let bytes, let rowBytes):
            "\(bytes) bytes of float32 input are not a whole number of \(rowBytes)-byte rows"
        case .inputNotWholeBlocks(let bytes, let blockBytes):
            "\(bytes) bytes of blocks are not a whole number of \(blockBytes)-byte blocks"
        case .outputSize(let expected, let actual):
            "the output buffer holds \(actual) bytes, expected \(expected)"
        case .importanceLength(let expected, let actual):
            "the importance matrix has \(actual) values, expected one per column (\(expected))"
        }
    }
}

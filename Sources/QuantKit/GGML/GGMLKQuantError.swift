/// Why rows could not be quantized to (or blocks read from) one of ggml's K-quants.
public enum GGMLKQuantError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A type that is not one of q2_K, q3_K, q4_K, q5_K, q6_K.
    case notAKQuant(GGMLType)
    /// A row length that is not a positive multiple of the 256 values of a super-block.
    case rowLengthNotWholeBlocks(rowLength: Int)
    /// A number of values that is not a whole number of rows.
    case valueCountMismatch(count: Int, rowLength: Int)
    /// An output buffer of the wrong size: `expected` bytes (or floats) were needed.
    case outputSizeMismatch(expected: Int, actual: Int)
    /// Block bytes that are not a whole number of blocks of the type.
    case partialBlock(byteCount: Int, blockBytes: Int)
    /// An importance matrix whose length is not the row length (one value per column).
    case importanceLength(expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .notAKQuant(let type):
            "\(type) is not a K-quant (q2_K, q3_K, q4_K, q5_K or q6_K)"
        case .rowLengthNotWholeBlocks(let rowLength):
            "a row of \(rowLength) values is not a whole number of K-quant super-blocks (256 values each)"
        case .valueCountMismatch(let count, let rowLength):
            "\(count) values are not a whole number of rows of \(rowLength)"
        case .outputSizeMismatch(let expected, let actual):
            "the output holds \(actual) elements where \(expected) are needed"
        case .partialBlock(let byteCount, let blockBytes):
            "\(byteCount) bytes are not a whole number of \(blockBytes)-byte blocks"
        case .importanceLength(let expected, let actual):
            "an importance matrix of \(actual) values for rows of \(expected)"
        }
    }
}

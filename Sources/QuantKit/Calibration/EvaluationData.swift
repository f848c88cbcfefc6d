/// The rows a model is evaluated on: `rows` inputs of `width` float32 values, and optionally
/// one integer class label per row.
public struct EvaluationData: Sendable {
    public let inputs: [Float]
    public let rows: Int
    public let width: Int
    public let labels: [Int]?
    /// Where the rows came from: a path, or `N standard-normal rows (seed S)`.
    public let origin: String

    /// `rows` standard-normal rows drawn from `seed` (see `gaussianSamples`).
    public init(samples rows: Int, width: Int, seed: UInt64) {
        self.inputs = gaussianSamples(count: rows * width, seed: seed)
        self.rows = rows
        self.width = width
        self.labels = nil
        self.origin = "\(rows) standard-normal rows (seed \(seed))"
    }

    /// Reads inputs (`[N, width]`, any floating dtype) from `inputPath` and, when given, labels
    /// (`[N]`, any integer dtype, each in `0 ..< classes`) from `labelsPath`; every error names
    /// the file.
    public init(inputPath: String, labelsPath: String?, width: Int, classes: Int) throws {
        let tensor = try EvaluationData.single(inputPath)
        guard tensor.dtype.isFloatingPoint, tensor.shape.count == 2, tensor.shape[1] == width else {
            throw FileError(path: inputPath, EvaluationDataError.inputShape(dtype: tensor.dtype, shape: tensor.shape, width: width))
        }
        let values = tensor.floatValues()!
        do {
            try NonFiniteValue.check(values, shape: tensor.shape, storedDType: tensor.dtype)
        } catch {
            throw FileError(path: inputPath, error)
        }
        self.inputs = values
        self.rows = tensor.shape[0]
        self.width = width
        self.origin = inputPath
        guard let labelsPath else {
            self.labels = nil
            return
        }
        let labels = try EvaluationData.single(labelsPath)
        guard let classesOf = labels.integerValues(), labels.shape == [rows] else {
            throw FileError(path: labelsPath, EvaluationDataError.labelsShape(dtype: labels.dtype, shape: labels.shape, rows: rows))
        }
        if let bad = classesOf.firstIndex(where: { !(0 ..< classes).contains($0) }) {
            throw FileError(path: labelsPath, EvaluationDataError.labelOutOfRange(index: bad, value: classesOf[bad], classes: classes))
        }
        self.labels = classesOf
    }

    /// The one tensor of a `.npy` file (or a one-tensor `.npz`).
    private static func single(_ path: String) throws -> Tensor {
        let source = try openTensorSource(path: path)
        guard source.tensors.count == 1 else {
            throw FileError(path: path, EvaluationDataError.notOneArray(count: source.tensors.count))
        }
        return try source.load(source.tensors[0].name)
    }
}

extension Tensor {
    /// The elements as `Int` for integer dtypes (bool excluded), nil otherwise; uint64 values
    /// beyond `Int.max` clamp (a label that large is out of range anyway).
    func integerValues() -> [Int]? {
        bytes.withUnsafeBytes { raw in
            let n = elementCount
            switch dtype {
            case .int8: return (0 ..< n).map { Int(raw.load(fromByteOffset: $0, as: Int8.self)) }
            case .uint8: return (0 ..< n).map { Int(raw.load(fromByteOffset: $0, as: UInt8.self)) }
            case .int16: return (0 ..< n).map { Int(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: Int16.self))) }
            case .uint16: return (0 ..< n).map { Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))) }
            case .int32: return (0 ..< n).map { Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self))) }
            case .uint32: return (0 ..< n).map { Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
            case .int64: return (0 ..< n).map { Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self))) }
            case .uint64:
                return (0 ..< n).map { Int(clamping: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) }
            case .float16, .bfloat16, .float32, .float64, .float8E4M3FN, .float8E5M2, .bool: return nil
            }
        }
    }
}

/// Why evaluation inputs or labels cannot be used.
public enum EvaluationDataError: Error, Equatable, Sendable, CustomStringConvertible {
    case notOneArray(count: Int)
    case inputShape(dtype: DType, shape: [Int], width: Int)
    case labelsShape(dtype: DType, shape: [Int], rows: Int)
    case labelOutOfRange(index: Int, value: Int, classes: Int)

    public var description: String {
        switch self {
        case .notOneArray(let count):
            "holds \(count) arrays; expected exactly one"
        case .inputShape(let dtype, let shape, let width):
            "inputs are \(dtype.rawValue) \(formatShape(shape)); the model needs a floating [N, \(width)] array"
        case .labelsShape(let dtype, let shape, let rows):
            "labels are \(dtype.rawValue) \(formatShape(shape)); expected an integer array of \(rows) labels, one per input row"
        case .labelOutOfRange(let index, let value, let classes):
            "label \(value) at index \(index) is outside 0...\(classes - 1) (the model has \(classes) outputs)"
        }
    }
}

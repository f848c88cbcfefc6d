/// What a GGUF header says about one tensor, checked (see `GGUFHeader`).
///
/// `dims` are in ggml's order, innermost first: `dims[0]` is the row length (`ne[0]`), the
/// number of consecutive elements. `shape` is the same reversed, the C order (outermost first)
/// of `TensorInfo`: a 4096-row matrix of 11008-element rows has `dims == [11008, 4096]` and
/// `shape == [4096, 11008]`.
public struct GGUFTensorInfo: Equatable, Sendable {
    public let name: String
    public let type: GGMLType
    /// 1 to 4 dimensions, innermost first.
    public let dims: [Int]
    /// Where the data starts, relative to the data section (a multiple of the alignment).
    public let offset: UInt64
    /// `type.byteCount(elements:)` of the element count.
    public let byteCount: Int

    /// The dimensions outermost first (`dims` reversed).
    public var shape: [Int] { dims.reversed() }

    /// The product of `dims`.
    public var elementCount: Int { dims.reduce(1, *) }

    /// Whether the data is blocks that `GGUFSource` reads dequantized to float32.
    var isDequantizedOnRead: Bool { type.dtype == nil && GGMLDequantizers.types.contains(type) }

    /// The `DType` `GGUFSource` reads the tensor as: the stored one, float32 for the block types
    /// it dequantizes, nil for the types it does not read.
    var readDType: DType? { isDequantizedOnRead ? .float32 : type.dtype }
}

/// A tensor for `GGUFWriter` to write: its name, ggml type and dimensions, innermost first
/// (`GGUFTensorInfo.dims`).
public struct GGUFTensorDeclaration: Equatable, Sendable {
    public let name: String
    public let type: GGMLType
    public let dims: [Int]

    public init(name: String, type: GGMLType, dims: [Int]) {
        self.name = name
        self.type = type
        self.dims = dims
    }

    /// The declaration of a tensor read from a file (to copy it).
    public init(_ info: GGUFTensorInfo) {
        self.init(name: info.name, type: info.type, dims: info.dims)
    }
}

extension GGMLType {
    /// The `DType` this type's elements are stored as, for the types whose blocks are single
    /// elements of one (f32, f16, bf16, f64 and the integers); nil for the block types.
    public var dtype: DType? {
        switch self {
        case .f32: .float32
        case .f16: .float16
        case .bf16: .bfloat16
        case .f64: .float64
        case .i8: .int8
        case .i16: .int16
        case .i32: .int32
        case .i64: .int64
        default: nil
        }
    }
}

/// The most dimensions a ggml tensor has (`GGML_MAX_DIMS`).
let ggmlMaxDimensions = 4

/// The byte size of a `type` tensor of `dims` (innermost first), or why there is none: a count
/// of dimensions outside 1...4, a dimension beyond `Int`, an element count or byte size that
/// overflows, a row length that is not a whole number of blocks.
func ggmlByteCount(type: GGMLType, dims: [UInt64]) -> Result<Int, GGMLShapeProblem> {
    guard (1 ... ggmlMaxDimensions).contains(dims.count) else { return .failure(.dimensionCount(dims.count)) }
    var elements = 1
    for dim in dims {
        guard let size = Int(exactly: dim) else { return .failure(.overflow) }
        let (product, overflow) = elements.multipliedReportingOverflow(by: size)
        guard !overflow else { return .failure(.overflow) }
        elements = product
    }
    guard dims[0] % UInt64(type.blockSize) == 0 else { return .failure(.partialBlock(rowLength: dims[0])) }
    guard let bytes = type.byteCount(elements: elements) else { return .failure(.overflow) }
    return .success(bytes)
}

/// Why a ggml tensor's dimensions have no byte size (`ggmlByteCount`).
enum GGMLShapeProblem: Error, Equatable {
    case dimensionCount(Int)
    case overflow
    case partialBlock(rowLength: UInt64)
}

/// How the quantized tensors of a file lie in it: the one seam an output layout plugs into.
///
/// A layout owns everything that differs from one on-disk form to another, and nothing else:
/// - planning: which tensors it can hold quantized (`unsupportedReason`, `loadsQuantized`);
/// - writing: the members a quantized tensor becomes, codes first (`members`), the bytes of
///   the codes member (`codeEncoder`, which also receives the scales, for layouts whose blocks
///   interleave a scale with its codes), the members that follow (`auxiliaryTensors`), the
///   float type the scales are rounded to before any code is computed (`scaleStorage`), and
///   what a checkpoint's `config.json` gains (`configUpdate`);
/// - its record: the `format` (and variant) naming it in `ArchiveMetadata`, and the
///   `packing` its entries carry;
/// - reading: the members a recorded entry occupies (`recordedMembers`) and decoding them back
///   into codes, scales and zero points (`decode`), for `inspect`, `dequantize` and `eval`.
///
/// The pipeline (`quantizeFile`), the plan, the archive reader (`QuantizedArchive`) and the
/// command line see layouts only through this protocol; `QuantizedLayouts.builtIn` lists the
/// ones this tool knows. Codes are in this tool's domain throughout: signed bytes `q` in
/// `[-(2^(b-1) - 1), 2^(b-1) - 1]` when symmetric (from `-2^(b-1)` with the full range,
/// `SymmetricRange.full`, whose scales may be negative), unsigned `q` in `[0, 2^b - 1]` with
/// unsigned zero points when asymmetric; a layout maps them to and from its own.
public protocol QuantizedLayout: Sendable {
    /// The name the layout is known by (`npz`, `pack-quantized`, `int-quantized`).
    var name: String { get }
    /// The kind of file it is written in (which writer, where the record goes).
    var fileFormat: OutputFormat { get }
    /// The command line's name for this layout among those of its file format (`pack` and
    /// `int` for safetensors); nil for the format's only or default layout.
    var variant: String? { get }
    /// The metadata record's `format` for this layout, and `compressed_tensors_format` (nil
    /// when the record has none).
    var recordFormat: String { get }
    var recordVariant: String? { get }

    /// What the layout holds quantized, for the message refusing a tensor it cannot hold
    /// ("the compressed-tensors layout holds 2-D '.weight' tensors ...").
    var holdsDescription: String { get }
    /// Why `tensor` cannot be stored quantized under `scheme`, or nil when it can.
    func unsupportedReason(_ tensor: TensorInfo, scheme: QuantScheme) -> String?
    /// Who reads this layout and what they quantize, as the message refusing a module they
    /// cannot load quantized puts it before "cannot load it quantized" ("compressed-tensors
    /// loaders quantize Linear modules only and").
    var loaderLimits: String { get }
    /// Whether the layout's loaders read a quantized weight of a module of `role`.
    func loadsQuantized(_ role: ModuleRole) -> Bool

    /// The tensors `tensor` quantized under `scheme` becomes, in the order they are written:
    /// the codes member first (it streams), then the auxiliary members.
    func members(of tensor: TensorInfo, scheme: QuantScheme) -> [TensorInfo]
    /// The float type scales are rounded to before any code is computed (they are stored in
    /// it, so the codes are those of the stored scales).
    func scaleStorage(for dtype: DType) -> DType
    /// The encoder turning the codes of `tensor` under `scheme` into its codes member's bytes.
    func codeEncoder(for tensor: TensorInfo, scheme: QuantScheme) -> any CodeEncoding
    /// The members after the codes, in the order of `members(of:scheme:)`, from what the
    /// quantizer chose (`scales` already rounded to `scaleStorage`).
    func auxiliaryTensors(of tensor: TensorInfo, scheme: QuantScheme, axis: Int?, scales: [Float],
                          zeroPoints: [Int32]) -> [Tensor]
    /// Whether a quantized tensor may carry float16 outlier columns (`OutlierColumns`, written
    /// after its members as `NAME_outlier_columns` and `NAME_outliers`).
    var holdsOutlierColumns: Bool { get }
    /// The `packing` recorded in the metadata entry of a `bits`-bit tensor (nil: none).
    func packing(bits: Int) -> String?
    /// Notes the report and `inspect` add for tensors stored under `schemes` (`roles`: the
    /// checkpoint's modules, when known).
    func notes(for schemes: [QuantScheme], roles: ModuleRoles?) -> [LayoutNote]
    /// What a checkpoint's `config.json` gains when every tensor of `tensors` is written with
    /// its scheme (nil: kept); nil when the config is copied as it is.
    func configUpdate(for tensors: [(info: TensorInfo, scheme: QuantScheme?)], roles: ModuleRoles?) -> (any ConfigUpdate)?

    /// Whether an entry's recorded `packing` is one this layout writes for `bits`-bit codes.
    func acceptsPacking(_ packing: String?, bits: Int) -> Bool
    /// The members the tensor of `entry` occupies, codes first, refusing an entry the layout
    /// could not have written.
    func recordedMembers(of entry: ArchiveMetadata.Entry, scheme: QuantScheme) throws(ArchiveError) -> [TensorInfo]
    /// The codes, scales and zero points stored in `loaded`, the members `recordedMembers`
    /// lists (each already checked to have the listed dtype and shape).
    func decode(_ loaded: [Tensor], members: [TensorInfo], entry: ArchiveMetadata.Entry,
                scheme: QuantScheme) throws(ArchiveError) -> DecodedTensor
}

extension QuantizedLayout {
    public var variant: String? { nil }
    public var recordVariant: String? { nil }
    public var holdsDescription: String { "the \(name) layout holds any floating tensor" }
    public func unsupportedReason(_ tensor: TensorInfo, scheme: QuantScheme) -> String? { nil }
    public var loaderLimits: String { "readers of the \(name) layout" }
    public func loadsQuantized(_ role: ModuleRole) -> Bool { true }
    public func scaleStorage(for dtype: DType) -> DType { .float32 }

    /// The float type scales of a `dtype` tensor quantized under `scheme` are rounded to and
    /// stored in: the scheme's `scaleDType` when it has one, else `scaleStorage(for:)`.
    public func scaleStorage(for dtype: DType, scheme: QuantScheme) -> DType {
        scheme.scaleDType ?? scaleStorage(for: dtype)
    }
    public func packing(bits: Int) -> String? { nil }
    public var holdsOutlierColumns: Bool { false }
    public func notes(for schemes: [QuantScheme], roles: ModuleRoles?) -> [LayoutNote] { [] }
    public func configUpdate(for tensors: [(info: TensorInfo, scheme: QuantScheme?)], roles: ModuleRoles?) -> (any ConfigUpdate)? {
        nil
    }
    public func acceptsPacking(_ packing: String?, bits: Int) -> Bool { packing == nil }

    public func recordedMembers(of entry: ArchiveMetadata.Entry, scheme: QuantScheme) throws(ArchiveError) -> [TensorInfo] {
        members(of: try entry.originalTensor(), scheme: scheme)
    }
}

/// A quantized tensor's parts as a layout decodes them from its members, in this tool's
/// domain (see `QuantizedLayout`): codes in flat order, scales, and unsigned zero points
/// (empty when symmetric). `QuantizedArchive` checks every value against the scheme.
public struct DecodedTensor: Sendable {
    public var codes: [UInt8]
    public var scales: [Float]
    public var zeroPoints: [Int32]

    public init(codes: [UInt8], scales: [Float], zeroPoints: [Int32] = []) {
        self.codes = codes
        self.scales = scales
        self.zeroPoints = zeroPoints
    }
}

/// A fact about a layout's output that its reader should know (what loads it, and how).
public struct LayoutNote: Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// A change to a checkpoint's `config.json` (compressed-tensors: its `quantization_config`).
public protocol ConfigUpdate: Sendable {
    /// `config` (the file's bytes) with the change made.
    func merged(into config: [UInt8]) throws -> [UInt8]
}

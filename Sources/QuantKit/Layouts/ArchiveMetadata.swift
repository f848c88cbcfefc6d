import Foundation

/// The `__quantization__` record of an archive: what was quantized, how, and from what.
///
/// Stored as UTF-8 JSON in a 1-D uint8 array, so that `np.load(..., allow_pickle=False)` opens
/// it and `json.loads(bytes(archive["__quantization__"]))` reads it.
public struct ArchiveMetadata: Codable, Sendable, Equatable {
    /// Identifies the layout (`quantize.npz`, or `quantize.compressed-tensors` for a
    /// safetensors file); readers refuse other values.
    public var format: String = ArchiveMetadata.formatName
    public var formatVersion: Int = 1
    /// The layout's variant of `format` (`QuantizedLayout.recordVariant`): for
    /// `quantize.compressed-tensors`, `int-quantized` or `pack-quantized`.
    public var layoutVariant: String?
    /// `quantize X.Y.Z`.
    public var tool: String
    /// One entry per quantized tensor, in archive order.
    public var tensors: [Entry]

    public static let formatName = "quantize.npz"
    public static let compressedTensorsFormatName = "quantize.compressed-tensors"

    public struct Entry: Codable, Sendable, Equatable {
        public var name: String
        /// `QuantScheme.name`: `symmetric`, `asymmetric`, `per-channel`, `per-channel-asymmetric`,
        /// `group`, `group-asymmetric`, or a float scheme's (`fp8`, `fp8-per-channel`, `fp8-group`).
        public var scheme: String
        public var bits: Int
        /// The channel axis (non-negative) for per-channel schemes; nil per tensor and per group.
        public var axis: Int?
        /// The group size of group-wise schemes (`group`, `group-asymmetric`); nil otherwise.
        public var groupSize: Int?
        /// How the codes are packed (`QuantizedLayout.packing`: `lsb-first` in an `.npz` at 4
        /// bits or fewer); nil when they are not.
        public var packing: String?
        /// How the scales' ranges were chosen (`mse`, `percentile:P`); nil for min-max.
        public var clipping: String?
        /// `compressed-tensors` when scales and codes follow that library's rounding
        /// (`ScaleRule`); nil for the reference rule.
        public var scaleRule: String?
        /// `full` when a symmetric scheme's scales span the full range (`SymmetricRange.full`:
        /// negative scales and the code `-2^(b-1)` are then expected); nil for the restricted range.
        public var symmetricRange: String?
        /// The float type of the stored scales when the scheme chose one (`QuantScheme.scaleDType`:
        /// `float16`, `bfloat16`, `float32`); nil for the layout's own.
        public var scaleDtype: String?
        /// The method that chose the codes (`gptq`, `awq`); nil for round to nearest.
        public var method: String?
        /// How many input columns are kept in float16 (`--keep-outliers`); nil when none are.
        public var outlierColumns: Int?
        /// The float format of the codes (`e4m3fn`, `e5m2`: `QuantScheme.floatFormat`), stored as
        /// their uint8 bit patterns; nil for integer codes.
        public var elementFormat: String?
        /// The rows of a block sharing one scale (`QuantScheme.blockRows`, `fp8-block`, whose
        /// `group_size` is the block's columns); nil otherwise.
        public var blockRows: Int?
        public var symmetric: Bool
        /// The dtype of the codes: `int8` or `uint8` (`uint8` when packed).
        public var codesDtype: String
        /// The original tensor's dtype and shape.
        public var dtype: String
        public var shape: [Int]

        public init(name: String, quantized q: QuantizedTensor, originalDType: DType) {
            self.init(name: name, scheme: q.scheme, axis: q.axis, shape: q.shape, originalDType: originalDType)
        }

        /// The entry of a tensor of `shape` quantized under `scheme` over the resolved `axis`.
        public init(name: String, scheme: QuantScheme, axis: Int?, shape: [Int], originalDType: DType, packing: String? = nil,
                    method: String? = nil, outlierColumns: Int? = nil) {
            self.name = name
            self.scheme = scheme.name
            self.bits = scheme.bits
            self.axis = axis
            self.groupSize = scheme.groupSize
            self.packing = packing
            self.clipping = scheme.clipping == .minmax ? nil : scheme.clipping.description
            self.scaleRule = scheme.scaleRule == .reference ? nil : scheme.scaleRule.rawValue
            self.symmetricRange = scheme.symmetricRange == .restricted ? nil : scheme.symmetricRange.rawValue
            self.scaleDtype = scheme.scaleDType?.rawValue
            self.method = method
            self.outlierColumns = outlierColumns
            self.elementFormat = scheme.floatFormat?.rawValue
            self.blockRows = scheme.blockRows
            self.symmetric = scheme.symmetric
            self.codesDtype = packing != nil ? DType.uint8.rawValue : scheme.codeDType.rawValue
            self.dtype = originalDType.rawValue
            self.shape = shape
        }

        enum CodingKeys: String, CodingKey {
            case name, scheme, bits, axis, symmetric, dtype, shape
            case codesDtype = "codes_dtype", groupSize = "group_size", packing, clipping, method
            case scaleRule = "scale_rule"
            case symmetricRange = "symmetric_range", scaleDtype = "scale_dtype"
            case outlierColumns = "outlier_columns"
            case elementFormat = "element_format"
            case blockRows = "block_rows"
        }

        /// The tensor as it was before quantization: its name, original dtype and shape.
        public func originalTensor() throws(ArchiveError) -> TensorInfo {
            guard let dtype = DType(rawValue: dtype) else {
                throw .invalidMetadata("entry '\(name)' has an unknown dtype '\(self.dtype)'")
            }
            return TensorInfo(name: name, dtype: dtype, shape: shape)
        }

        /// The scheme this entry describes, or nil when its fields are not a valid scheme (a
        /// full range on a scheme that cannot take it, a scale type outside
        /// `QuantScheme.scaleDTypes`, among others).
        public var quantScheme: QuantScheme? {
            guard (groupSize != nil) == (scheme.hasPrefix("group") || scheme.hasSuffix("-group") || scheme.hasSuffix("-block"))
            else { return nil }
            guard var result = QuantScheme(name: scheme, bits: bits, axis: axis ?? 0, groupSize: groupSize, blockRows: blockRows),
                  let clipping = Clipping(clipping ?? "minmax"),
                  let scaleRule = ScaleRule(rawValue: scaleRule ?? ScaleRule.reference.rawValue),
                  let symmetricRange = SymmetricRange(rawValue: symmetricRange ?? SymmetricRange.restricted.rawValue)
            else { return nil }
            result.clipping = clipping
            result.scaleRule = scaleRule
            result.symmetricRange = symmetricRange
            if let scaleDtype {
                guard let type = DType(rawValue: scaleDtype), QuantScheme.scaleDTypes.contains(type) else { return nil }
                result.scaleDType = type
            }
            guard result.floatFormat?.rawValue == elementFormat,
                  result.floatFormat == nil || (result.clipping == .minmax && result.scaleRule == .reference) else { return nil }
            return result.fullRangeConflict == nil ? result : nil
        }
    }

    public init(tool: String, tensors: [Entry], layout: any QuantizedLayout = NPZLayout()) {
        self.tool = tool
        self.tensors = tensors
        self.format = layout.recordFormat
        self.layoutVariant = layout.recordVariant
    }

    /// The layout the tensors are stored in, among `layouts`; nil when none has this record's
    /// `format` and variant (`decode` refuses such a record).
    public func layout(in layouts: QuantizedLayouts = .builtIn) -> (any QuantizedLayout)? {
        layouts.recorded(format: format, variant: layoutVariant)
    }

    enum CodingKeys: String, CodingKey {
        case format, tool, tensors
        case formatVersion = "format_version"
        case layoutVariant = "compressed_tensors_format"
    }

    /// The JSON bytes, keys sorted so that the same archive always gets the same bytes.
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, integers and arrays cannot fail.
        return [UInt8](try! encoder.encode(self))
    }

    /// The `__metadata__` of a safetensors file holding this archive: `format: pt` (which
    /// transformers requires) and this record's JSON under `quantize`.
    public var safetensorsMetadata: [String: String] {
        ["format": "pt", ArchiveMetadata.safetensorsKey: String(decoding: encoded(), as: UTF8.self)]
    }

    /// The `__metadata__` key holding the record in a safetensors file.
    public static let safetensorsKey = "quantize"

    /// Decodes `bytes`, refusing a record of none of `layouts`, and JSON nested deeper than
    /// 64 levels before parsing it.
    public static func decode(_ bytes: [UInt8], layouts: QuantizedLayouts = .builtIn) throws(ArchiveError) -> ArchiveMetadata {
        guard jsonNesting(of: bytes).depth <= maxJSONNestingDepth else {
            throw .invalidMetadata("JSON nests arrays or objects deeper than \(maxJSONNestingDepth) levels")
        }
        let metadata: ArchiveMetadata
        do {
            metadata = try JSONDecoder().decode(ArchiveMetadata.self, from: Data(bytes))
        } catch {
            throw .invalidMetadata("not valid metadata JSON (\(error.localizedDescription))")
        }
        try checkLayout(of: metadata, in: layouts)
        guard metadata.formatVersion == 1 else {
            throw .invalidMetadata("format_version \(metadata.formatVersion) is newer than this tool reads (1)")
        }
        return metadata
    }

    /// Refuses a record whose `format` and variant name none of `layouts`.
    static func checkLayout(of metadata: ArchiveMetadata, in layouts: QuantizedLayouts) throws(ArchiveError) {
        guard metadata.layout(in: layouts) == nil else { return }
        let formats = layouts.all.map(\.recordFormat).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let variants = layouts.all.filter { $0.recordFormat == metadata.format }.compactMap(\.recordVariant)
        switch metadata.layoutVariant {
        case nil where !variants.isEmpty:
            throw .invalidMetadata("format '\(metadata.format)' without compressed_tensors_format")
        case let variant? where !variants.isEmpty:
            throw .invalidMetadata("compressed_tensors_format '\(variant)' is not one of " + variants.joined(separator: ", "))
        default:
            throw .invalidMetadata("format is '\(metadata.format)', expected " + formats.map { "'\($0)'" }.joined(separator: " or "))
        }
    }
}

/// Which elements share a scale (and zero point).
public enum Granularity: Sendable, Equatable, Hashable {
    /// One scale for the whole tensor.
    case perTensor
    /// One scale per index of `axis`, reducing over every other axis. Negative axes count from
    /// the end, as in NumPy; `resolvedAxis(rank:)` turns them into an index.
    case perChannel(axis: Int)
    /// One scale per `size` consecutive elements of the last axis (of each output row, for a
    /// `[out, in]` weight): scales of shape `shape[..<last] + [last / size]`. The last axis
    /// must be a multiple of `size` (plans check every tensor before any work), except for
    /// block schemes (`QuantScheme.blockRows`, `BlockGrid`).
    case perGroup(size: Int)
}

/// How one tensor is quantized: symmetric or asymmetric, the granularity of its scales, and the
/// code width.
///
/// Each granularity (per tensor, per channel, per group) comes symmetric or asymmetric:
/// - Symmetric, `b` bits: `qmax = 2^(b-1) - 1`, codes in `[-qmax - 1, qmax]` stored as int8,
///   `scale = max|x| / qmax`, zero point 0; or, with the full range (`symmetricRange`),
///   `scale = m / -2^(b-1)` for the signed extreme `m` (`SymmetricRange.full`).
/// - Asymmetric, `b` bits: codes in `[0, 2^b - 1]` stored as uint8, `scale = (max - min) / (2^b - 1)`
///   over the range widened to contain 0, `zero_point = round(-min / scale)`.
public struct QuantScheme: Sendable, Equatable, Hashable {
    public var symmetric: Bool
    public var granularity: Granularity
    /// Code width, 2 through 8.
    public var bits: Int
    /// How each scale's range is chosen (min-max unless a clipping search is asked for).
    public var clipping: Clipping = .minmax
    /// How scales and codes follow from the range (`ScaleRule`).
    public var scaleRule: ScaleRule = .reference
    /// Which codes a symmetric scale spans (`SymmetricRange`): restricted unless asked for.
    public var symmetricRange: SymmetricRange = .restricted
    /// The float type the scales are stored in and rounded to before any code is computed
    /// (`ScaleStorage`, whose doc states the error bound for the rounded scale): one of
    /// `scaleDTypes`; nil for the layout's own (`QuantizedLayout.scaleStorage(for:)`: float32 in
    /// an `.npz`, the weight's type in compressed-tensors).
    public var scaleDType: DType?

    /// The float format of the codes (`FloatFormat`: FP8 E4M3FN or E5M2), nil for integer codes.
    /// A float scheme is symmetric and 8-bit: `scale = max|x| / F` over each tensor, channel
    /// or group, with `F` the format's largest finite value (448 for E4M3FN), computed in the
    /// scales' storage type, a zero scale becoming that type's machine epsilon (compressed-tensors'
    /// `calculate_qparams`); codes are `encode(clamp(x / scale, -F, F))` (`FloatCodes`).
    public var floatFormat: FloatFormat?
    /// With a group size `g` and float codes: the groups of `blockRows` consecutive rows share
    /// one scale, so a 2-D weight's scales cover `blockRows x g` blocks (compressed-tensors'
    /// `FP8_BLOCK` and DeepSeek-V3's 128x128), the last row of blocks partial when `blockRows`
    /// does not divide the rows, the last column of blocks when `g` does not divide the columns;
    /// the scales are still held per group (each block's value on each of its groups, of
    /// `BlockGrid.groupWidth` columns); nil otherwise.
    public var blockRows: Int?

    /// The types `scaleDType` may name.
    public static let scaleDTypes: [DType] = [.float16, .bfloat16, .float32]

    public static let bitRange = 2 ... 8

    public init(symmetric: Bool, granularity: Granularity, bits: Int = 8) {
        precondition(QuantScheme.bitRange.contains(bits), "bits must be in 2...8, got \(bits)")
        self.symmetric = symmetric
        self.granularity = granularity
        self.bits = bits
    }

    /// The command-line names of the schemes, in the order `--help` lists them.
    public static let names = ["symmetric", "asymmetric", "per-channel", "per-channel-asymmetric"]
    /// The command-line names of the float schemes: FP8 E4M3FN codes (`fp8`) and E5M2 codes
    /// (`fp8-e5m2`), per tensor or per output channel (with `groupSize`: per group, `fp8-group`).
    public static let floatNames = ["fp8", "fp8-per-channel", "fp8-block", "fp8-e5m2", "fp8-e5m2-per-channel", "fp8-e5m2-block"]

    /// The prefix of the float schemes' names with codes in `format`.
    static func namePrefix(of format: FloatFormat) -> String {
        format == .e4m3fn ? "fp8" : "fp8-e5m2"
    }

    /// The float scheme called `name` (one of `floatNames`, or `fp8-group` / `fp8-e5m2-group`
    /// with `groupSize`), 8-bit; nil for any other name. `fp8-block` needs `groupSize` (the
    /// block's columns) and `blockRows`, which no other name takes.
    init?(floatName name: String, axis: Int, groupSize: Int?, blockRows: Int?) {
        let format: FloatFormat = name.hasPrefix(Self.namePrefix(of: .e5m2)) ? .e5m2 : .e4m3fn
        let prefix = Self.namePrefix(of: format)
        guard name.hasPrefix(prefix) else { return nil }
        var granularity: Granularity
        switch name.dropFirst(prefix.count) {
        case "": granularity = .perTensor
        case "-per-channel": granularity = .perChannel(axis: axis)
        case "-group" where groupSize != nil && blockRows == nil: granularity = .perTensor
        case "-block" where groupSize != nil && (blockRows ?? 0) >= 1: granularity = .perTensor
        default: return nil
        }
        if let groupSize { granularity = .perGroup(size: groupSize) }
        self.init(symmetric: true, granularity: granularity, bits: 8)
        floatFormat = format
        self.blockRows = blockRows
    }

    /// The scheme called `name` (one of `names`, or `group` / `group-asymmetric`); `axis` is used
    /// by the per-channel schemes only. With `groupSize`, every name becomes its group-wise
    /// form (symmetric or asymmetric as named); the group names need it.
    public init?(name: String, bits: Int = 8, axis: Int = 0, groupSize: Int? = nil, blockRows: Int? = nil) {
        guard QuantScheme.bitRange.contains(bits), (groupSize ?? 1) >= 1 else { return nil }
        if name.hasPrefix("fp8") {
            guard bits == 8 else { return nil }
            self.init(floatName: name, axis: axis, groupSize: groupSize, blockRows: blockRows)
            return
        }
        guard blockRows == nil else { return nil }
        let symmetric: Bool
        var granularity: Granularity
        switch name {
        case "symmetric": (symmetric, granularity) = (true, .perTensor)
        case "asymmetric": (symmetric, granularity) = (false, .perTensor)
        case "per-channel": (symmetric, granularity) = (true, .perChannel(axis: axis))
        case "per-channel-asymmetric": (symmetric, granularity) = (false, .perChannel(axis: axis))
        case "group" where groupSize != nil: (symmetric, granularity) = (true, .perTensor)
        case "group-asymmetric" where groupSize != nil: (symmetric, granularity) = (false, .perTensor)
        default: return nil
        }
        if let groupSize { granularity = .perGroup(size: groupSize) }
        self.init(symmetric: symmetric, granularity: granularity, bits: bits)
    }

    /// The name: `symmetric`, `asymmetric`, `per-channel`, `per-channel-asymmetric`, `group`,
    /// `group-asymmetric`; for float codes `fp8`, `fp8-per-channel`, `fp8-group` (`fp8-e5m2...`).
    public var name: String {
        if let floatFormat {
            let prefix = Self.namePrefix(of: floatFormat)
            switch granularity {
            case .perTensor: return prefix
            case .perChannel: return prefix + "-per-channel"
            case .perGroup: return prefix + (blockRows == nil ? "-group" : "-block")
            }
        }
        return switch (symmetric, granularity) {
        case (true, .perTensor): "symmetric"
        case (false, .perTensor): "asymmetric"
        case (true, .perChannel): "per-channel"
        case (false, .perChannel): "per-channel-asymmetric"
        case (true, .perGroup): "group"
        case (false, .perGroup): "group-asymmetric"
        }
    }

    /// `name`, followed by what else sets this scheme apart, in parentheses: `group (full range,
    /// float16 scales)`; just `name` for the restricted range and the layout's scale type. The
    /// report and `inspect` show it, so that no setting goes unseen.
    public var label: String {
        let qualifiers = (symmetricRange == .full ? ["full range"] : []) + (scaleDType.map { ["\($0.rawValue) scales"] } ?? [])
        return qualifiers.isEmpty ? name : name + " (" + qualifiers.joined(separator: ", ") + ")"
    }

    /// The group size of a group-wise scheme, nil otherwise.
    public var groupSize: Int? {
        if case .perGroup(let size) = granularity { return size }
        return nil
    }

    /// Smallest code: `-2^(b-1)` when symmetric, 0 when asymmetric.
    public var qmin: Int { symmetric ? -(1 << (bits - 1)) : 0 }
    /// Largest code: `2^(b-1) - 1` when symmetric, `2^b - 1` when asymmetric.
    public var qmax: Int { symmetric ? (1 << (bits - 1)) - 1 : (1 << bits) - 1 }
    /// The stored type of the codes: int8 when symmetric, uint8 when asymmetric or float (the
    /// bit patterns of `floatFormat`).
    public var codeDType: DType { symmetric && floatFormat == nil ? .int8 : .uint8 }
}

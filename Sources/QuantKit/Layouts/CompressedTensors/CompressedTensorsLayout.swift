/// The checkpoint layouts of compressed-tensors (the format vLLM and transformers load
/// quantized safetensors checkpoints in), for one quantized weight `M.weight` of shape
/// `[out, in]` under a `b`-bit scheme: `int-quantized` (`IntQuantizedLayout`) and
/// `pack-quantized` (`PackQuantizedLayout`) store the codes differently; both store
/// `M.weight_scale` in the weight's own float type, shape `[1]` per tensor, `[out, 1]` per
/// channel and `[out, in / g]` per group of `g`, and, for asymmetric schemes, a
/// `M.weight_zero_point`.
///
/// compressed-tensors keeps codes in the signed domain: our asymmetric codes `q` in
/// `[0, 2^b - 1]` and zero points `z` are stored as `q - 2^(b-1)` and `z - 2^(b-1)`, which leaves
/// `(q - z) * scale` unchanged; symmetric codes are stored as they are. The scales are our
/// reference scales (`max|x| / (2^(b-1) - 1)`, where compressed-tensors' own observer divides by
/// `(2^b - 1) / 2`) unless the scheme's `ScaleRule` is the library's: a loader only multiplies,
/// so it reproduces our values exactly.
protocol CompressedTensorsLayout: QuantizedLayout {
    /// The library's name for this layout (`format` in `quantization_config`).
    var format: CompressedTensorsFormat { get }
}

extension CompressedTensorsLayout {
    public var name: String { format.rawValue }
    public var fileFormat: OutputFormat { .safetensors }
    public var recordFormat: String { ArchiveMetadata.compressedTensorsFormatName }
    public var recordVariant: String? { format.rawValue }

    public var holdsDescription: String {
        "the compressed-tensors layout holds 2-D '.weight' tensors quantized per tensor or per output channel"
    }

    /// The layout holds 2-D `*.weight` tensors quantized per tensor, per output channel
    /// (axis 0) or per group along the input axis, with scales in the weight's own float type:
    /// compressed-tensors makes a module's `weight_scale` parameter that type and a loader
    /// would convert other scales to it, so a scheme's `scaleDType` must be the weight's dtype.
    public func unsupportedReason(_ info: TensorInfo, scheme: QuantScheme) -> String? {
        guard info.name.hasSuffix(".weight"), info.name.count > ".weight".count else {
            return "its name does not end in '.weight'"
        }
        guard info.shape.count == 2 else { return "it has rank \(info.shape.count), not 2" }
        guard info.shape[0] > 0, info.shape[1] > 0 else { return "it is empty" }
        if case .perChannel(let axis) = scheme.granularity, axis != 0 {
            return "its channels are on axis \(axis), not 0 (the output axis)"
        }
        if scheme.floatFormat != nil, format != .floatQuantized {
            return "its codes are FP8, which the \(format.rawValue) layout does not hold (float-quantized does)"
        }
        if scheme.floatFormat == nil, format == .floatQuantized {
            return "its codes are integers, which the float-quantized layout does not hold"
        }
        if scheme.floatFormat == .e5m2 {
            return "its codes are FP8 E5M2, where compressed-tensors stores FP8 weights as E4M3"
        }
        if let type = scheme.scaleDType, type != info.dtype {
            return "its scales would be \(type.rawValue), where compressed-tensors loaders make a \(info.dtype.rawValue) "
                + "weight's scales \(info.dtype.rawValue)"
        }
        return nil
    }

    public var loaderLimits: String { "compressed-tensors loaders quantize Linear modules only and" }

    /// Linear modules and an untied output head. An embedding (compressed-tensors replaces its
    /// `weight`, which transformers' initialisation then reads), a tied head (it is the
    /// embedding's storage) and a Conv1D (stored transposed) do not load.
    public func loadsQuantized(_ role: ModuleRole) -> Bool {
        switch role {
        case .linear, .outputHead(tied: false): true
        case .embedding, .outputHead(tied: true), .conv1D, .other: false
        }
    }

    /// The scales are stored in the weight's float type, so they are rounded to it first.
    public func scaleStorage(for dtype: DType) -> DType {
        dtype == .float16 || dtype == .bfloat16 ? dtype : .float32
    }

    /// A tied output head: transformers 5.x loads such checkpoints only when it dequantizes on
    /// load (the library's own files fail the same way).
    public func notes(for schemes: [QuantScheme], roles: ModuleRoles?) -> [LayoutNote] {
        tiedHeadNote(for: schemes, roles: roles)
    }

    func tiedHeadNote(for schemes: [QuantScheme], roles: ModuleRoles?) -> [LayoutNote] {
        !schemes.isEmpty && roles?.config.hasTiedLanguageModelHead == true ? [.tiedHead] : []
    }

    /// The `quantization_config`: every quantized weight in its scheme's group, every Linear
    /// module kept in float (by `roles`; without roles, every 2-D floating weight) in `ignore`.
    public func configUpdate(for tensors: [(info: TensorInfo, scheme: QuantScheme?)], roles: ModuleRoles?) -> (any ConfigUpdate)? {
        var config = CompressedTensorsConfig(format: format)
        for (info, scheme) in tensors where info.name.hasSuffix(".weight") {
            let module = CompressedTensorsFormat.moduleName(of: info.name)
            if let scheme {
                config.addQuantized(module: module, scheme: scheme)
            } else if roles.map({ $0.role(of: info).isLinearClass }) ?? (info.shape.count == 2 && info.dtype.isFloatingPoint) {
                config.addIgnored(module: module)
            }
        }
        return config
    }

    public func recordedMembers(of entry: ArchiveMetadata.Entry, scheme: QuantScheme) throws(ArchiveError) -> [TensorInfo] {
        let info = try entry.originalTensor()
        guard unsupportedReason(info, scheme: scheme) == nil else {
            throw .invalidMetadata("entry '\(entry.name)' cannot be stored in the compressed-tensors layout")
        }
        return members(of: info, scheme: scheme)
    }

    /// `M.weight_scale` of `info` (`M.weight`) under `scheme`: with block scales
    /// (`QuantScheme.blockRows`), one per block, `[ceil(out / rows), ceil(in / columns)]` (`BlockGrid`).
    func scaleMember(of info: TensorInfo, scheme: QuantScheme) -> TensorInfo {
        let shape = switch scheme.granularity {
        case .perTensor: [1]
        case .perChannel: [info.shape[0], 1]
        case .perGroup(let size): BlockGrid(scheme: scheme, shape: info.shape)?.blockShape ?? [info.shape[0], info.shape[1] / size]
        }
        return TensorInfo(name: CompressedTensorsFormat.moduleName(of: info.name) + ".weight_scale",
                          dtype: info.dtype == .float64 ? .float64 : info.dtype, shape: shape)
    }

    /// Unsigned zero points (ours) as the library's int8 ones of `shape`: `z - 2^(b-1)`.
    func signedZeroPoints(_ zeroPoints: [Int32], scheme: QuantScheme, shape: [Int]) -> Tensor {
        let shift = Int32(1 << (scheme.bits - 1))
        return Tensor(dtype: .int8, shape: shape, integers: zeroPoints.map { Int8(truncatingIfNeeded: $0 - shift) })
    }

    /// The library's int8 zero points `stored` back in our unsigned domain: `z + 2^(b-1)`.
    func unsignedZeroPoints(_ stored: Tensor, scheme: QuantScheme) -> [Int32] {
        stored.bytes.map { Int32(Int8(bitPattern: $0)) + Int32(1 << (scheme.bits - 1)) }
    }

    /// The scales tensor, in the scale member's type.
    func scaleTensor(of info: TensorInfo, scheme: QuantScheme, scales: [Float]) -> Tensor {
        let member = scaleMember(of: info, scheme: scheme)
        return Tensor(shape: member.shape, values: scales, storedAs: member.dtype)
    }
}

extension LayoutNote {
    /// A language model whose output head is tied to its input embedding, in compressed-tensors
    /// output.
    static let tiedHead = LayoutNote(
        "the output head is tied to the input embedding (tie_word_embeddings): transformers 5.x loads compressed-tensors "
            + "checkpoints of tied models only with CompressedTensorsConfig(dequantize=True) (the library's own files fail "
            + "the same way); vLLM reads them")
}

/// The compressed-tensors library's names of its quantized formats (`format` in
/// `quantization_config`), of which this tool writes and reads three.
public enum CompressedTensorsFormat: String, Sendable, CaseIterable, Codable {
    case intQuantized = "int-quantized"
    case packQuantized = "pack-quantized"
    case floatQuantized = "float-quantized"

    /// The layout storing this format.
    var layout: any QuantizedLayout {
        switch self {
        case .intQuantized: IntQuantizedLayout()
        case .packQuantized: PackQuantizedLayout()
        case .floatQuantized: FloatQuantizedLayout()
        }
    }

    /// `M` for a weight called `M.weight`.
    static func moduleName(of weight: String) -> String {
        String(weight.dropLast(".weight".count))
    }
}

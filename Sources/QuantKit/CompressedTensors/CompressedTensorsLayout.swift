/// The checkpoint layout of compressed-tensors (the format vLLM and transformers load
/// quantized safetensors checkpoints in), for one quantized weight `M.weight` of shape
/// `[out, in]` under a `b`-bit scheme:
///
/// - `int-quantized`: `M.weight` holds the codes as int8 in the weight's shape;
/// - `pack-quantized`: `M.weight_packed` holds them as int32 `[out, ceil(in * b / 32)]`, each
///   code offset to unsigned (`+ 2^(b-1)`) and packed least significant bit first (`CodePacker`),
///   and `M.weight_shape` the original shape as int64 `[2]`;
/// - both: `M.weight_scale`, in the weight's own float type, shape `[1]` per tensor,
///   `[out, 1]` per channel and `[out, in / g]` per group of `g`; for asymmetric schemes
///   `M.weight_zero_point`, int8 of the scale's shape, except per channel and per group in
///   `pack-quantized`, where each column of zero points is packed like the codes down the
///   output axis: int32 `[ceil(out * b / 32), 1]` or `[ceil(out * b / 32), in / g]`.
///
/// compressed-tensors keeps codes in the signed domain: our asymmetric codes `q` in
/// `[0, 2^b - 1]` and zero points `z` are stored as `q - 2^(b-1)` and `z - 2^(b-1)`, which leaves
/// `(q - z) * scale` unchanged; symmetric codes are stored as they are. The scales are our
/// reference scales (`max|x| / (2^(b-1) - 1)`, where compressed-tensors' own observer divides by
/// `(2^b - 1) / 2`): a loader only multiplies, so it reproduces our values exactly.
public enum CompressedTensorsFormat: String, Sendable, CaseIterable, Codable {
    case intQuantized = "int-quantized"
    case packQuantized = "pack-quantized"

    /// The tensors a weight `info` quantized under `scheme` becomes, in the order they are
    /// written: codes, scale, then shape or zero point.
    func members(of info: TensorInfo, scheme: QuantScheme) -> [TensorInfo] {
        let module = CompressedTensorsFormat.moduleName(of: info.name)
        let out = info.shape[0]
        let scaleShape = switch scheme.granularity {
        case .perTensor: [1]
        case .perChannel: [out, 1]
        case .perGroup(let size): [out, info.shape[1] / size]
        }
        let scaleType: DType = info.dtype == .float64 ? .float64 : info.dtype
        var members: [TensorInfo] = []
        switch self {
        case .intQuantized:
            members.append(TensorInfo(name: info.name, dtype: .int8, shape: info.shape))
            members.append(TensorInfo(name: module + ".weight_scale", dtype: scaleType, shape: scaleShape))
            if !scheme.symmetric {
                members.append(TensorInfo(name: module + ".weight_zero_point", dtype: .int8, shape: scaleShape))
            }
        case .packQuantized:
            let words = CodePacker<UInt32>.wordsPerRow(bits: scheme.bits, rowLength: info.shape[1])
            members.append(TensorInfo(name: module + ".weight_packed", dtype: .int32, shape: [out, words]))
            members.append(TensorInfo(name: module + ".weight_scale", dtype: scaleType, shape: scaleShape))
            members.append(TensorInfo(name: module + ".weight_shape", dtype: .int64, shape: [2]))
            if !scheme.symmetric {
                members.append(scheme.granularity == .perTensor
                    ? TensorInfo(name: module + ".weight_zero_point", dtype: .int8, shape: [1])
                    : TensorInfo(name: module + ".weight_zero_point", dtype: .int32,
                                 shape: [CodePacker<UInt32>.wordsPerRow(bits: scheme.bits, rowLength: out), scaleShape[1]]))
            }
        }
        return members
    }

    /// `M` for a weight called `M.weight`.
    static func moduleName(of weight: String) -> String {
        String(weight.dropLast(".weight".count))
    }

    /// Why `info` cannot be written in this layout under `scheme`, or nil when it can: the
    /// layout holds 2-D `*.weight` tensors quantized per tensor, per output channel (axis 0) or
    /// per group along the input axis.
    static func unsupported(_ info: TensorInfo, scheme: QuantScheme) -> String? {
        guard info.name.hasSuffix(".weight"), info.name.count > ".weight".count else {
            return "its name does not end in '.weight'"
        }
        guard info.shape.count == 2 else { return "it has rank \(info.shape.count), not 2" }
        guard info.shape[0] > 0, info.shape[1] > 0 else { return "it is empty" }
        if case .perChannel(let axis) = scheme.granularity, axis != 0 {
            return "its channels are on axis \(axis), not 0 (the output axis)"
        }
        return nil
    }

    /// The signed-domain code byte compressed-tensors stores for our code byte `code`:
    /// asymmetric codes shift down by `2^(bits-1)`, symmetric ones are already signed.
    static func signedCode(_ code: UInt8, scheme: QuantScheme) -> UInt8 {
        scheme.symmetric ? code : code &- UInt8(1 << (scheme.bits - 1))
    }

    /// The unsigned value `pack_to_int32` packs for our code byte `code`: symmetric codes shift
    /// up by `2^(bits-1)`, asymmetric ones are already unsigned.
    static func unsignedCode(_ code: UInt8, scheme: QuantScheme) -> UInt8 {
        scheme.symmetric ? code &+ UInt8(1 << (scheme.bits - 1)) : code
    }
}

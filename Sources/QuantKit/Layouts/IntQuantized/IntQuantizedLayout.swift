/// compressed-tensors' `int-quantized` layout (served as W8A8): `M.weight` holds the codes as
/// int8 in the weight's shape, in the signed domain (asymmetric `q` stored as `q - 2^(b-1)`);
/// `M.weight_scale` the scales in the weight's float type (see `CompressedTensorsLayout`); for
/// asymmetric schemes `M.weight_zero_point` the zero points, int8 of the scale's shape, shifted
/// alike.
public struct IntQuantizedLayout: CompressedTensorsLayout {
    public init() {}

    var format: CompressedTensorsFormat { .intQuantized }
    public var variant: String? { "int" }

    public func members(of info: TensorInfo, scheme: QuantScheme) -> [TensorInfo] {
        let scale = scaleMember(of: info, scheme: scheme)
        var members = [TensorInfo(name: info.name, dtype: .int8, shape: info.shape), scale]
        if !scheme.symmetric {
            members.append(TensorInfo(name: CompressedTensorsFormat.moduleName(of: info.name) + ".weight_zero_point",
                                      dtype: .int8, shape: scale.shape))
        }
        return members
    }

    public func codeEncoder(for tensor: TensorInfo, scheme: QuantScheme) -> any CodeEncoding {
        scheme.symmetric ? UnchangedCodes() : ShiftedCodes(shift: UInt8(1 << (scheme.bits - 1)))
    }

    public func auxiliaryTensors(of info: TensorInfo, scheme: QuantScheme, axis: Int?, scales: [Float],
                                 zeroPoints: [Int32]) -> [Tensor] {
        let scale = scaleTensor(of: info, scheme: scheme, scales: scales)
        guard !scheme.symmetric else { return [scale] }
        return [scale, signedZeroPoints(zeroPoints, scheme: scheme, shape: scale.shape)]
    }

    /// Codes and zero points shifted back from the signed domain into ours.
    public func decode(_ loaded: [Tensor], members: [TensorInfo], entry: ArchiveMetadata.Entry,
                       scheme: QuantScheme) throws(ArchiveError) -> DecodedTensor {
        let shift = UInt8(1 << (scheme.bits - 1))
        var decoded = DecodedTensor(codes: scheme.symmetric ? loaded[0].bytes : loaded[0].bytes.map { $0 &+ shift },
                                    scales: loaded[1].floatValues() ?? [])
        if !scheme.symmetric {
            decoded.zeroPoints = unsignedZeroPoints(loaded[2], scheme: scheme)
        }
        return decoded
    }
}

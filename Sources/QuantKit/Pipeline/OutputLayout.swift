/// What file a quantization run writes and how the quantized tensors lie in it.
public enum OutputLayout: Sendable, Equatable {
    /// A NumPy `.npz` archive in `ArchiveLayout`, its members deflated when `compressed`.
    case npz(compressed: Bool)
    /// A `.safetensors` file in the compressed-tensors layout (`CompressedTensorsFormat`).
    case compressedTensors(CompressedTensorsFormat)

    /// The names and order of the tensors that `tensor` becomes under `scheme` (nil: kept).
    func members(of tensor: TensorInfo, scheme: QuantScheme?) -> [TensorInfo] {
        guard let scheme else { return [tensor] }
        switch self {
        case .npz:
            let axis = (try? scheme.granularity.resolvedAxis(rank: tensor.shape.count)) ?? nil
            let scaleShape = scheme.granularity.scaleShape(of: tensor.shape, axis: axis)
            let codes = ArchiveLayout.packsCodes(bits: scheme.bits)
                ? TensorInfo(name: tensor.name, dtype: .uint8, shape: ArchiveLayout.packedShape(of: tensor.shape, bits: scheme.bits))
                : TensorInfo(name: tensor.name, dtype: scheme.codeDType, shape: tensor.shape)
            var members = [codes,
                           TensorInfo(name: ArchiveLayout.scaleName(for: tensor.name), dtype: .float32, shape: scaleShape)]
            if !scheme.symmetric {
                members.append(TensorInfo(name: ArchiveLayout.zeroPointName(for: tensor.name), dtype: .int32, shape: scaleShape))
            }
            return members
        case .compressedTensors(let format):
            return format.members(of: tensor, scheme: scheme)
        }
    }

    /// The tensors that follow the codes of `tensor` quantized under `scheme`, in the order of
    /// `members(of:scheme:)`: the scales and zero points (float32 and int32 in an `.npz`; see
    /// `CompressedTensorsFormat.auxiliaryTensors` for compressed-tensors).
    func auxiliaryTensors(of tensor: TensorInfo, scheme: QuantScheme, axis: Int?, scales: [Float], zeroPoints: [Int32]) -> [Tensor] {
        switch self {
        case .npz:
            let scaleShape = scheme.granularity.scaleShape(of: tensor.shape, axis: axis)
            return [Tensor(shape: scaleShape, values: scales)]
                + (scheme.symmetric ? [] : [Tensor(dtype: .int32, shape: scaleShape, integers: zeroPoints)])
        case .compressedTensors(let format):
            return format.auxiliaryTensors(of: tensor, scheme: scheme, scales: scales, zeroPoints: zeroPoints)
        }
    }

    /// The dtype a kept tensor of `dtype` is stored as: NumPy has no bfloat16, so an `.npz`
    /// holds it as float32 (`NPZWriter` widens it).
    func storedDType(_ dtype: DType) -> DType {
        if case .npz = self, dtype == .bfloat16 { return .float32 }
        return dtype
    }

    /// Whether `bits`-bit codes are packed into bytes (`.npz`, 4 bits or fewer; compressed-tensors
    /// has its own packing, `pack-quantized`).
    func packsCodesIntoBytes(bits: Int) -> Bool {
        if case .npz = self { return ArchiveLayout.packsCodes(bits: bits) }
        return false
    }

    /// The name of the metadata record that is not a tensor of its own (npz only; safetensors
    /// keeps it in the header's `__metadata__`).
    var metadataMember: String? {
        if case .npz = self { return ArchiveLayout.metadataName }
        return nil
    }
}

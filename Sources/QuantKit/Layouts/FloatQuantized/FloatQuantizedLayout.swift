/// compressed-tensors' `float-quantized` layout (FP8 checkpoints, served as W8A8-FP8 by vLLM):
/// `M.weight` holds the codes as `F8_E4M3` in the weight's shape, `M.weight_scale` the scales
/// in the weight's float type, shape `[1]` per tensor, `[out, 1]` per channel, `[out, in / g]`
/// per group of `g`, `[ceil(out / r), ceil(in / c)]` per `r x c` block (see `CompressedTensorsLayout`); a loader reads `weight.to(scale.dtype) *
/// scale`. The schemes are float schemes with E4M3FN codes (`QuantScheme.floatFormat`): the
/// library's float type of 8 bits is E4M3 only. Its `quantization_config` groups declare FP8
/// dynamic per-token input activations, as the `FP8_DYNAMIC` preset does (block schemes: per
/// group of the block's columns, as `FP8_BLOCK` does).
public struct FloatQuantizedLayout: CompressedTensorsLayout {
    public init() {}

    var format: CompressedTensorsFormat { .floatQuantized }
    public var variant: String? { "float" }

    public func members(of info: TensorInfo, scheme: QuantScheme) -> [TensorInfo] {
        [TensorInfo(name: info.name, dtype: .float8E4M3FN, shape: info.shape), scaleMember(of: info, scheme: scheme)]
    }

    /// The codes are E4M3FN bit patterns already.
    public func codeEncoder(for tensor: TensorInfo, scheme: QuantScheme) -> any CodeEncoding {
        UnchangedCodes()
    }

    /// The scales; with block scales, each block's once (`BlockGrid.blockScales`).
    public func auxiliaryTensors(of info: TensorInfo, scheme: QuantScheme, axis: Int?, scales: [Float],
                                 zeroPoints: [Int32]) -> [Tensor] {
        guard let grid = BlockGrid(scheme: scheme, shape: info.shape) else {
            return [scaleTensor(of: info, scheme: scheme, scales: scales)]
        }
        return [scaleTensor(of: info, scheme: scheme, scales: grid.blockScales(scales))]
    }

    /// The codes as stored; block scales repeated down each block's rows, one per group.
    public func decode(_ loaded: [Tensor], members: [TensorInfo], entry: ArchiveMetadata.Entry,
                       scheme: QuantScheme) throws(ArchiveError) -> DecodedTensor {
        let scales = loaded[1].floatValues() ?? []
        guard entry.shape.count == 2, let grid = BlockGrid(scheme: scheme, shape: entry.shape) else {
            return DecodedTensor(codes: loaded[0].bytes, scales: scales)
        }
        return DecodedTensor(codes: loaded[0].bytes, scales: grid.groupScales(scales))
    }
}

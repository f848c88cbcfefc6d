/// A safetensors file's FP8 tensors (`F8_E4M3`, `F8_E5M2`) read as float32, as the checkpoints
/// that store them mean them:
/// - `M.weight` with `M.weight_scale_inv` beside it (DeepSeek-V3, Kimi K2 and other checkpoints
///   that vLLM loads as `weight_block_size: [128, 128]`): `w = fp8 · scale_inv` per 128x128
///   block, `scale_inv` float of shape `[ceil(out / 128), ceil(in / 128)]` (blocks at the right
///   and bottom edges partial), each product in float32 as torch computes
///   `fp8.to(float32) * scale_inv`; the scale members are not listed;
/// - an FP8 tensor without a scale: its values (`FloatFormat.decode`, exact).
///
/// An FP8 tensor with `NAME_scale` beside it (compressed-tensors' `float-quantized`, read
/// through the `quantization_config` or our record, `FloatQuantizedLayout`) is left as stored,
/// as is every other tensor. The FP8 tensors read as float32 are `storedBlocks`, so that
/// `dequantize` counts them and reports and `inspect` name what was stored (as are the
/// microscaled weights of a `MicroscaledSource` below it).
public struct Float8Source: BlockQuantizedSource {
    /// The side of a `weight_scale_inv` block.
    public static let blockSide = 128
    public static let scaleInverseSuffix = "_scale_inv"

    public let base: any TensorSource
    public let tensors: [TensorInfo]
    /// The FP8 tensors read as float32: their stored info, and the scale member for block-scaled ones.
    private let decoded: [String: (stored: TensorInfo, scale: TensorInfo?)]

    /// `base` itself when none of its tensors is an FP8 tensor read as float32 (see the type);
    /// otherwise the source reading them so. Throws `Float8SourceError` for a scale member of the
    /// wrong type or shape.
    public static func reading(_ base: any TensorSource) throws -> any TensorSource {
        let byName = Dictionary(base.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var decoded: [String: (stored: TensorInfo, scale: TensorInfo?)] = [:]
        for info in base.tensors where info.dtype.floatFormat != nil && byName[info.name + "_scale"] == nil {
            let scale = byName[info.name + scaleInverseSuffix]
            if let scale { try checkScale(scale, of: info) }
            decoded[info.name] = (info, scale)
        }
        guard !decoded.isEmpty else { return base }
        let scales = Set(decoded.values.compactMap { $0.scale?.name })
        let tensors = base.tensors.filter { !scales.contains($0.name) }.map { info in
            decoded[info.name] == nil ? info : TensorInfo(name: info.name, dtype: .float32, shape: info.shape)
        }
        return Float8Source(base: base, tensors: tensors, decoded: decoded)
    }

    /// A block scale must be a float tensor of shape `[ceil(out / 128), ceil(in / 128)]` beside a 2-D weight.
    private static func checkScale(_ scale: TensorInfo, of weight: TensorInfo) throws(Float8SourceError) {
        let expected = weight.shape.map { ($0 + blockSide - 1) / blockSide }
        guard weight.shape.count == 2, scale.dtype.isFloatingPoint, scale.dtype.floatFormat == nil, scale.shape == expected else {
            throw .scaleMismatch(weight: weight, scale: scale, expected: weight.shape.count == 2 ? expected : nil)
        }
    }

    public var path: String { base.path }
    public var headerMetadata: [String: String] { base.headerMetadata }

    public func storedBlocks(of name: String) -> (typeName: String, byteCount: Int)? {
        guard let (stored, scale) = decoded[name] else { return (base as? any BlockQuantizedSource)?.storedBlocks(of: name) }
        let scaleName = scale.map { " x 128x128 " + ($0.name.split(separator: ".").last.map(String.init) ?? $0.name) } ?? ""
        let typeName = stored.dtype.safetensorsCode + scaleName
        return (typeName, stored.storedByteCount + (scale?.storedByteCount ?? 0))
    }

    public func load(_ name: String) throws -> Tensor {
        guard let (stored, scale) = decoded[name] else { return try base.load(name) }
        var values = try base.load(name).floatValues()!
        if let scale {
            let factors = try base.load(scale.name).floatValues()!
            let (rows, columns, blockColumns) = (stored.shape[0], stored.shape[1], scale.shape[1])
            for row in 0 ..< rows {
                for column in 0 ..< columns {
                    values[row * columns + column] *= factors[(row / Self.blockSide) * blockColumns + column / Self.blockSide]
                }
            }
        }
        return Tensor(shape: stored.shape, values: values)
    }
}

/// An FP8 checkpoint's scale member that does not fit its weight.
public enum Float8SourceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `expected`: the block-scale shape for a 2-D weight; nil when the weight is not 2-D.
    case scaleMismatch(weight: TensorInfo, scale: TensorInfo, expected: [Int]?)

    public var description: String {
        switch self {
        case .scaleMismatch(let weight, let scale, let expected):
            "'\(scale.name)' is \(scale.dtype.rawValue) \(formatShape(scale.shape)); the 128x128 block scales of the "
                + "\(formatShape(weight.shape)) FP8 weight '\(weight.name)' must be "
                + (expected.map { "a float tensor of shape \(formatShape($0))" } ?? "beside a 2-D weight")
        }
    }
}

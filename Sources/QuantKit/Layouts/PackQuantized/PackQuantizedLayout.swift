/// compressed-tensors' `pack-quantized` layout (weight-only, W8A16/W4A16): `M.weight_packed`
/// holds the codes as int32 `[out, ceil(in * b / 32)]`, each offset to unsigned (`+ 2^(b-1)`
/// when symmetric) and packed least significant bit first (`CodePacker`); `M.weight_scale` the
/// scales in the weight's float type (see `CompressedTensorsLayout`); `M.weight_shape` the
/// original shape as int64 `[2]`; for asymmetric schemes `M.weight_zero_point`: int8 `[1]`
/// (shifted to the signed domain) per tensor, and per channel or group each column of the
/// unsigned zero points packed like the codes down the output axis, int32
/// `[ceil(out * b / 32), 1]` or `[ceil(out * b / 32), in / g]`.
public struct PackQuantizedLayout: CompressedTensorsLayout {
    public init() {}

    var format: CompressedTensorsFormat { .packQuantized }
    public var variant: String? { "pack" }

    public func members(of info: TensorInfo, scheme: QuantScheme) -> [TensorInfo] {
        let module = CompressedTensorsFormat.moduleName(of: info.name)
        let (out, words) = (info.shape[0], CodePacker<UInt32>.wordsPerRow(bits: scheme.bits, rowLength: info.shape[1]))
        let scale = scaleMember(of: info, scheme: scheme)
        var members = [TensorInfo(name: module + ".weight_packed", dtype: .int32, shape: [out, words]), scale,
                       TensorInfo(name: module + ".weight_shape", dtype: .int64, shape: [2])]
        if !scheme.symmetric {
            members.append(scheme.granularity == .perTensor
                ? TensorInfo(name: module + ".weight_zero_point", dtype: .int8, shape: [1])
                : TensorInfo(name: module + ".weight_zero_point", dtype: .int32,
                             shape: [CodePacker<UInt32>.wordsPerRow(bits: scheme.bits, rowLength: out), scale.shape[1]]))
        }
        return members
    }

    public func codeEncoder(for tensor: TensorInfo, scheme: QuantScheme) -> any CodeEncoding {
        PackedWords(bits: scheme.bits, rowLength: tensor.shape[tensor.shape.count - 1],
                    offset: scheme.symmetric ? UInt8(1 << (scheme.bits - 1)) : 0)
    }

    public func auxiliaryTensors(of info: TensorInfo, scheme: QuantScheme, axis: Int?, scales: [Float],
                                 zeroPoints: [Int32]) -> [Tensor] {
        var tensors = [scaleTensor(of: info, scheme: scheme, scales: scales),
                       Tensor(dtype: .int64, shape: [2], integers: info.shape.map(Int64.init))]
        guard !scheme.symmetric, let member = members(of: info, scheme: scheme).last else { return tensors }
        if member.dtype == .int8 {
            tensors.append(signedZeroPoints(zeroPoints, scheme: scheme, shape: member.shape))
        } else {
            tensors.append(packedZeroPointColumns(zeroPoints, bits: scheme.bits, shape: member.shape))
        }
        return tensors
    }

    /// Each column of the unsigned zero points (ours, `[out, columns]`) packed down the output
    /// axis into the int32 `shape` `[words, columns]`.
    func packedZeroPointColumns(_ zeroPoints: [Int32], bits: Int, shape: [Int]) -> Tensor {
        let columns = shape[1]
        let out = zeroPoints.count / columns
        var stored = [UInt32](repeating: 0, count: shape[0] * columns)
        for column in 0 ..< columns {
            var packer = CodePacker<UInt32>(bits: bits, rowLength: out)
            var words: [UInt32] = []
            stride(from: column, to: zeroPoints.count, by: columns).map { UInt8(truncatingIfNeeded: zeroPoints[$0]) }
                .withUnsafeBytes { packer.pack($0, into: &words) }
            for (row, word) in words.enumerated() { stored[row * columns + column] = word }
        }
        return Tensor(dtype: .int32, shape: shape, integers: stored)
    }

    /// Asymmetric weights per channel or group: their packed zero points are read by vLLM, and
    /// by transformers 5.x only when it dequantizes on load; and a tied head's note.
    public func notes(for schemes: [QuantScheme], roles: ModuleRoles?) -> [LayoutNote] {
        let packed: [LayoutNote] = schemes.contains(where: { !$0.symmetric && $0.granularity != .perTensor }) ? [.packedZeroPoints] : []
        return packed + tiedHeadNote(for: schemes, roles: roles)
    }

    /// Codes unpacked from the int32 words and shifted into our domain; `weight_shape` checked
    /// against the entry; zero points unpacked (or shifted, per tensor) alike.
    public func decode(_ loaded: [Tensor], members: [TensorInfo], entry: ArchiveMetadata.Entry,
                       scheme: QuantScheme) throws(ArchiveError) -> DecodedTensor {
        let shift = UInt8(1 << (scheme.bits - 1))
        guard loaded[2].int64Values() == entry.shape.map(Int64.init) else {
            throw .wrongShape(member: members[2].name, expected: entry.shape, actual: loaded[2].int64Values().map { Int($0) })
        }
        let unsigned = unpackCodes(loaded[0].int32Values().map { UInt32(bitPattern: $0) }, bits: scheme.bits,
                                   rowLength: entry.shape[1], rows: entry.shape[0])
        var decoded = DecodedTensor(codes: scheme.symmetric ? unsigned.map { $0 &- shift } : unsigned,
                                    scales: loaded[1].floatValues() ?? [])
        if !scheme.symmetric {
            let stored = loaded[3]
            decoded.zeroPoints = stored.dtype == .int8
                ? unsignedZeroPoints(stored, scheme: scheme)
                : unpackedZeroPointColumns(stored, bits: scheme.bits, outFeatures: entry.shape[0])
        }
        return decoded
    }

    /// Packed zero points `[words, columns]`, each column packing one column of the
    /// `[outFeatures, columns]` unsigned zero points down the output axis.
    func unpackedZeroPointColumns(_ stored: Tensor, bits: Int, outFeatures: Int) -> [Int32] {
        let columns = stored.shape[1]
        let words = stored.int32Values().map { UInt32(bitPattern: $0) }
        var zeroPoints = [Int32](repeating: 0, count: outFeatures * columns)
        for column in 0 ..< columns {
            let packed = stride(from: column, to: words.count, by: columns).map { words[$0] }
            for (row, value) in unpackCodes(packed, bits: bits, rowLength: outFeatures, rows: 1).enumerated() {
                zeroPoints[row * columns + column] = Int32(value)
            }
        }
        return zeroPoints
    }
}

extension LayoutNote {
    /// Asymmetric `pack-quantized` weights per channel or group.
    static let packedZeroPoints = LayoutNote(
        "asymmetric pack-quantized zero points are packed as compressed-tensors writes them; vLLM reads them, but "
            + "transformers 5.x loads them only with CompressedTensorsConfig(dequantize=True); for a plain from_pretrained, "
            + "write int-quantized or use a symmetric scheme")
}

/// The layout of a quantized `.npz` archive, which NumPy reads as it is.
///
/// For each quantized tensor `NAME`: `NAME` holds the codes in the original shape (int8 when
/// symmetric, uint8 when asymmetric; packed into uint8 rows at 4 bits or fewer, see
/// `packsCodes`), `NAME_scale` the scales (float32, or the scheme's `scaleDType`) and, for asymmetric
/// schemes only, `NAME_zero_point` the int32 zero points. Scales and zero points keep the
/// tensor's rank with size 1 on every reduced axis, so `(codes - zero_point) * scale`
/// broadcasts in NumPy. Tensors left in float keep their name, dtype and values.
/// `__quantization__` is a 1-D uint8 array of UTF-8 JSON (`ArchiveMetadata`).
public struct NPZLayout: QuantizedLayout {
    public static let metadataName = "__quantization__"

    public init() {}

    public var name: String { "npz" }
    public var fileFormat: OutputFormat { .npz }
    public var recordFormat: String { ArchiveMetadata.formatName }

    public static func scaleName(for tensor: String) -> String { tensor + "_scale" }

    /// Codes of 4 bits or fewer are packed: a uint8 member of `packedShape`, each row (the
    /// last axis) a bit stream of unsigned codes (`q + 2^(bits-1)` when symmetric, `q` when
    /// asymmetric), least significant bits first (two 4-bit codes per byte, low nibble first;
    /// 3-bit codes straddle bytes), the row's last byte padded with zeros. Recorded as
    /// `"packing": "lsb-first"` in the metadata entry.
    public static func packsCodes(bits: Int) -> Bool { bits <= 4 }
    public static let packingName = "lsb-first"

    /// The shape of a packed codes member: `shape[..<last] + [ceil(last * bits / 8)]` (`[1]` for a
    /// 0-d tensor).
    public static func packedShape(of shape: [Int], bits: Int) -> [Int] {
        guard let last = shape.last else { return [1] }
        return shape.dropLast() + [(last * bits + 7) / 8]
    }
    public static func zeroPointName(for tensor: String) -> String { tensor + "_zero_point" }
    /// With outlier columns: the kept input columns (int32 `[n]`) and their float16 values
    /// (`[out, n]`); the codes of those columns are zeros'.
    public static func outlierColumnsName(for tensor: String) -> String { tensor + "_outlier_columns" }
    public static func outliersName(for tensor: String) -> String { tensor + "_outliers" }

    public func members(of tensor: TensorInfo, scheme: QuantScheme) -> [TensorInfo] {
        let axis = (try? scheme.granularity.resolvedAxis(rank: tensor.shape.count)) ?? nil
        let scaleShape = scheme.heldScaleShape(of: tensor.shape, axis: axis)
        let codes = Self.packsCodes(bits: scheme.bits)
            ? TensorInfo(name: tensor.name, dtype: .uint8, shape: Self.packedShape(of: tensor.shape, bits: scheme.bits))
            : TensorInfo(name: tensor.name, dtype: scheme.codeDType, shape: tensor.shape)
        var members = [codes, TensorInfo(name: Self.scaleName(for: tensor.name), dtype: scheme.scaleDType ?? .float32,
                                         shape: scaleShape)]
        if !scheme.symmetric {
            members.append(TensorInfo(name: Self.zeroPointName(for: tensor.name), dtype: .int32, shape: scaleShape))
        }
        return members
    }

    public func codeEncoder(for tensor: TensorInfo, scheme: QuantScheme) -> any CodeEncoding {
        guard Self.packsCodes(bits: scheme.bits) else { return UnchangedCodes() }
        return PackedBytes(bits: scheme.bits, rowLength: max(tensor.shape.last ?? 1, 1),
                           offset: scheme.symmetric ? UInt8(1 << (scheme.bits - 1)) : 0)
    }

    /// The scales (float32, or the scheme's `scaleDType`, which they are already rounded to)
    /// and, when asymmetric, the int32 zero points, both in the scale shape.
    public func auxiliaryTensors(of tensor: TensorInfo, scheme: QuantScheme, axis: Int?, scales: [Float],
                                 zeroPoints: [Int32]) -> [Tensor] {
        let scaleShape = scheme.heldScaleShape(of: tensor.shape, axis: axis)
        return [Tensor(shape: scaleShape, values: scales, storedAs: scheme.scaleDType ?? .float32)]
            + (scheme.symmetric ? [] : [Tensor(dtype: .int32, shape: scaleShape, integers: zeroPoints)])
    }

    public var holdsOutlierColumns: Bool { true }

    public func packing(bits: Int) -> String? {
        Self.packsCodes(bits: bits) ? Self.packingName : nil
    }

    /// Packed at 4 bits or fewer, or unpacked (written by a version before packing, or above
    /// 4 bits).
    public func acceptsPacking(_ packing: String?, bits: Int) -> Bool {
        packing == nil || (packing == Self.packingName && Self.packsCodes(bits: bits))
    }

    public func recordedMembers(of entry: ArchiveMetadata.Entry, scheme: QuantScheme) throws(ArchiveError) -> [TensorInfo] {
        var members = members(of: try entry.originalTensor(), scheme: scheme)
        if entry.packing == nil {
            members[0] = TensorInfo(name: entry.name, dtype: scheme.codeDType, shape: entry.shape)
        }
        return members
    }

    /// Codes as stored, or packed rows of the last axis (one row for a 0-d tensor) each in
    /// whole bytes; scales widened exactly to float32 and int32 zero points as stored.
    public func decode(_ loaded: [Tensor], members: [TensorInfo], entry: ArchiveMetadata.Entry,
                       scheme: QuantScheme) throws(ArchiveError) -> DecodedTensor {
        var decoded = DecodedTensor(codes: loaded[0].bytes, scales: loaded[1].floatValues() ?? [])
        if entry.packing != nil {
            let rowLength = entry.shape.last ?? 1
            let rows = entry.shape.dropLast().reduce(1, *)
            let unsigned = rowLength == 0 || rows == 0 ? [] : unpackCodes(loaded[0].bytes, bits: scheme.bits, rowLength: rowLength, rows: rows)
            decoded.codes = scheme.symmetric ? unsigned.map { $0 &- UInt8(1 << (scheme.bits - 1)) } : unsigned
        }
        if !scheme.symmetric { decoded.zeroPoints = loaded[2].int32Values() }
        return decoded
    }
}

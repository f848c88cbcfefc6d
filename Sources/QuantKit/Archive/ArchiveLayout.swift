/// The names of the members of a quantized archive.
///
/// For each quantized tensor `NAME`: `NAME` holds the codes in the original shape (int8 when
/// symmetric, uint8 when asymmetric; packed into uint8 rows at 4 bits or fewer, see
/// `packsCodes`), `NAME_scale` the float32 scales and, for asymmetric
/// schemes only, `NAME_zero_point` the int32 zero points. Scales and zero points keep the
/// tensor's rank with size 1 on every reduced axis, so `(codes - zero_point) * scale`
/// broadcasts in NumPy. Tensors left in float keep their name, dtype and values.
/// `__quantization__` is a 1-D uint8 array of UTF-8 JSON (`ArchiveMetadata`).
public enum ArchiveLayout {
    public static let metadataName = "__quantization__"

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
    /// With `--keep-outliers`: the kept input columns (int32 `[n]`) and their float16 values
    /// (`[out, n]`); the codes of those columns are zeros'.
    public static func outlierColumnsName(for tensor: String) -> String { tensor + "_outlier_columns" }
    public static func outliersName(for tensor: String) -> String { tensor + "_outliers" }

    /// The member names a tensor occupies in the archive under `scheme` (nil: kept as is).
    public static func memberNames(for tensor: String, scheme: QuantScheme?) -> [String] {
        guard let scheme else { return [tensor] }
        return scheme.symmetric
            ? [tensor, scaleName(for: tensor)]
            : [tensor, scaleName(for: tensor), zeroPointName(for: tensor)]
    }
}

/// The names of the members of a quantized archive.
///
/// For each quantized tensor `NAME`: `NAME` holds the codes in the original shape (int8 when
/// symmetric, uint8 when asymmetric), `NAME_scale` the float32 scales and, for asymmetric
/// schemes only, `NAME_zero_point` the int32 zero points. Scales and zero points keep the
/// tensor's rank with size 1 on every reduced axis, so `(codes - zero_point) * scale`
/// broadcasts in NumPy. Tensors left in float keep their name, dtype and values.
/// `__quantization__` is a 1-D uint8 array of UTF-8 JSON (`ArchiveMetadata`).
public enum ArchiveLayout {
    public static let metadataName = "__quantization__"

    public static func scaleName(for tensor: String) -> String { tensor + "_scale" }
    public static func zeroPointName(for tensor: String) -> String { tensor + "_zero_point" }

    /// The member names a tensor occupies in the archive under `scheme` (nil: kept as is).
    public static func memberNames(for tensor: String, scheme: QuantScheme?) -> [String] {
        guard let scheme else { return [tensor] }
        return scheme.symmetric
            ? [tensor, scaleName(for: tensor)]
            : [tensor, scaleName(for: tensor), zeroPointName(for: tensor)]
    }
}

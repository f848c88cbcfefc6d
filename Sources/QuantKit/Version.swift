/// The version of `quantize` and its library, recorded in every archive it writes.
public enum QuantKitVersion {
    public static let current = "0.1.0"
    public static let toolName = "quantize \(current)"
}

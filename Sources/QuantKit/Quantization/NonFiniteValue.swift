/// A NaN or infinity found in a tensor selected for quantization (a scale computed from it
/// would be meaningless, so the tensor is refused rather than silently clipped).
public struct NonFiniteValue: Error, Equatable, Sendable, CustomStringConvertible {
    public let index: [Int]
    public let value: Float
    /// The tensor's stored type; a float64 beyond float32's range becomes an infinity.
    public let storedDType: DType

    public init(index: [Int], value: Float, storedDType: DType) {
        self.index = index
        self.value = value
        self.storedDType = storedDType
    }

    public var description: String {
        let what = value.isNaN ? "NaN" : (value > 0 ? "+infinity" : "-infinity")
        let note = storedDType == .float64 && !value.isNaN ? " (a float64 beyond float32's range)" : ""
        return "\(what)\(note) at index \(index); cannot quantize a tensor that is not finite"
    }
}

extension NonFiniteValue {
    /// Throws the first NaN or infinity of `values`, a tensor of `shape` stored as `storedDType`.
    public static func check(_ values: [Float], shape: [Int], storedDType: DType) throws(NonFiniteValue) {
        if let bad = firstNonFiniteIndex(values) {
            throw NonFiniteValue(index: multiIndex(ofFlat: bad, in: shape), value: values[bad], storedDType: storedDType)
        }
    }
}

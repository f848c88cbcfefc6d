/// A tensor quantized under one `QuantScheme`: integer codes plus the scales (and zero points)
/// that map them back to float32.
///
/// Dequantization is `(code - zero_point) * scale` in float32, with the scale and zero point
/// of the element's channel (or the single ones per tensor).
public struct QuantizedTensor: Sendable, Equatable {
    public let scheme: QuantScheme
    /// The shape of the original tensor and of the codes.
    public let shape: [Int]
    /// One code per element in C order, as the bytes of `scheme.codeDType` (int8 bit patterns
    /// when symmetric, uint8 when asymmetric).
    public let codes: [UInt8]
    /// One scale per channel or group (a single one per tensor), in channel order (groups in C
    /// order of `scaleShape`; a block's scale on each of its groups, `BlockGrid`).
    public let scales: [Float]
    /// One zero point per scale when asymmetric; empty when symmetric.
    public let zeroPoints: [Int32]
    /// The per-channel axis resolved against `shape` (never negative); nil per tensor or for a 0-d tensor.
    public let axis: Int?
    /// Columns of a 2-D weight kept in float16 (`--keep-outliers`); nil when none are.
    public var outliers: OutlierColumns?

    public init(scheme: QuantScheme, shape: [Int], codes: [UInt8], scales: [Float], zeroPoints: [Int32], axis: Int?) {
        self.scheme = scheme
        self.shape = shape
        self.codes = codes
        self.scales = scales
        self.zeroPoints = zeroPoints
        self.axis = axis
    }

    /// The shape of `scales` and `zeroPoints` as stored: the tensor's rank with size 1 on every
    /// reduced axis, so that NumPy broadcasts `(codes - zero_point) * scale` back to `shape`;
    /// per group, `shape[..<last] + [last / size]` (repeat each scale `size` times along the
    /// last axis to broadcast); for blocks, per group of `BlockGrid.groupWidth`.
    public var scaleShape: [Int] {
        scheme.heldScaleShape(of: shape, axis: axis)
    }

    /// The code of element `index` (C order) as an integer in `[scheme.qmin, scheme.qmax]`.
    public func code(at index: Int) -> Int {
        scheme.symmetric ? Int(Int8(bitPattern: codes[index])) : Int(codes[index])
    }
}

/// A scheme as `quantize eval --compare` runs it at every width: the `quantize` options it
/// stands for (`--scheme name [--group-size g]`) and its label in the table.
public struct ComparedScheme: Sendable, Equatable {
    /// `QuantScheme`'s name: `per-channel`, `per-channel-asymmetric`, `group`, `group-asymmetric`.
    public let name: String
    public let groupSize: Int?

    public init(name: String, groupSize: Int? = nil) {
        self.name = name
        self.groupSize = groupSize
    }

    /// `name`, with the group size after a dash: `group-128`, `group-asymmetric-128`.
    public var label: String { groupSize.map { "\(name)-\($0)" } ?? name }

    /// The scheme at `bits` (2 through 8), channels along `axis`.
    /// - Precondition: `name` is one of `QuantScheme.names` or a group name with a group size.
    public func scheme(bits: Int, axis: Int) -> QuantScheme {
        guard let scheme = QuantScheme(name: name, bits: bits, axis: axis, groupSize: groupSize) else {
            preconditionFailure("'\(label)' is not a scheme at \(bits) bits")
        }
        return scheme
    }

    /// What a transformer's Linears are commonly stored as: one scale per output channel,
    /// symmetric and asymmetric (int8 and the int8 GEMM path), and one scale per 128 and per 32
    /// inputs (GPTQ's and AWQ's usual 4-bit groups, llama.cpp's 32-element blocks), the 128
    /// groups symmetric and asymmetric.
    public static let transformerSet = [
        ComparedScheme(name: "per-channel"), ComparedScheme(name: "per-channel-asymmetric"),
        ComparedScheme(name: "group", groupSize: 128), ComparedScheme(name: "group-asymmetric", groupSize: 128),
        ComparedScheme(name: "group", groupSize: 32),
    ]

    /// The widths every scheme is evaluated at.
    public static let bitWidths = [8, 4, 3, 2]
}

/// Every method a user can name, in the order `--method` lists them: the one registry the
/// command line looks names up in. A new method is one more line in `all`.
public enum QuantizationMethods {
    /// Each method built from the settings the command line gives.
    public static let all: [@Sendable (MethodSettings) -> any QuantizationMethod] = [
        { _ in RoundToNearest() },
        { GPTQ(options: $0.gptq) },
        { _ in AWQ() },
    ]

    /// The names of `all`, in order.
    public static var names: [String] { all.map { $0(MethodSettings()).name } }

    /// The method called `name`, built with `settings`; nil when none is.
    public static func named(_ name: String, settings: MethodSettings = MethodSettings()) -> (any QuantizationMethod)? {
        all.lazy.map { $0(settings) }.first { $0.name == name }
    }
}

/// The tuning a method may read when it is built from its name.
public struct MethodSettings: Sendable {
    public var gptq: GPTQOptions

    public init(gptq: GPTQOptions = GPTQOptions()) {
        self.gptq = gptq
    }
}

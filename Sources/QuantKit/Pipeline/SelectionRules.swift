/// A `--layer REGEX=SCHEME[:BITS]` rule: tensors whose names match `pattern` get `scheme`
/// (nil keeps them in float).
public struct LayerRule: @unchecked Sendable {
    // Regex is not Sendable; a rule is built once and only read afterwards.
    public let pattern: String
    public let regex: Regex<AnyRegexOutput>
    public let scheme: QuantScheme?

    public init(pattern: String, scheme: QuantScheme?) throws {
        self.pattern = pattern
        // Matched over Unicode scalars, not by canonical equivalence: an NFC and an NFD name are
        // different names (see `ExactName`).
        self.regex = try Regex(pattern).matchingSemantics(.unicodeScalar)
        self.scheme = scheme
    }
}

/// Which tensors are quantized, and how.
///
/// - Without `include` patterns, every floating tensor of rank >= 2 is selected; rank 0 and 1
///   tensors (biases, norms) stay as they are. With `moduleRoles` (a Hugging Face checkpoint,
///   or compressed-tensors output), only the weights of Linear modules are selected, as
///   llm-compressor does (`targets: ["Linear"]`, `ignore: ["lm_head"]`): embedding tables,
///   the output head and GPT-2's Conv1D stay in float (see `ModuleRole`, and `keptRole(of:)`
///   for the report). With `include` patterns, a floating tensor is selected when any pattern
///   matches its name (so `.*` selects every floating tensor).
/// - A tensor matching any `exclude` pattern is never selected (exclude wins).
/// - A selected tensor gets the scheme of the first `layers` rule that matches its name, else
///   `defaultScheme`; a rule or default of `nil` (`none`) keeps it in float.
/// - Patterns match anywhere in the name (anchor with `^` and `$` for whole names).
/// Non-floating tensors are never quantized.
public struct SelectionRules: @unchecked Sendable {
    // Regex is not Sendable; the rules are built once and only read afterwards.
    public let defaultScheme: QuantScheme?
    public let include: [Regex<AnyRegexOutput>]
    public let exclude: [Regex<AnyRegexOutput>]
    public let layers: [LayerRule]
    /// The checkpoint's module roles, when only Linear weights are selected by default.
    public var moduleRoles: ModuleRoles?

    public init(defaultScheme: QuantScheme?, include: [Regex<AnyRegexOutput>] = [],
                exclude: [Regex<AnyRegexOutput>] = [], layers: [LayerRule] = [], moduleRoles: ModuleRoles? = nil) {
        self.defaultScheme = defaultScheme
        // Scalar semantics, as in `LayerRule`.
        self.include = include.map { $0.matchingSemantics(.unicodeScalar) }
        self.exclude = exclude.map { $0.matchingSemantics(.unicodeScalar) }
        self.layers = layers
        self.moduleRoles = moduleRoles
    }

    /// The role of a tensor that the default selection would have taken by rank alone but
    /// keeps in float because it is not a Linear weight (nil for every other tensor): the
    /// report says why it stayed in float.
    public func keptRole(of info: TensorInfo) -> ModuleRole? {
        guard include.isEmpty, let moduleRoles, info.dtype.isFloatingPoint, info.shape.count >= 2,
              !exclude.contains(where: { info.name.contains($0) }) else { return nil }
        let role = moduleRoles.role(of: info)
        return role == .linear ? nil : role
    }

    /// The scheme for the tensor described by `info`, or nil when it stays as it is.
    public func scheme(for info: TensorInfo) -> QuantScheme? {
        guard info.dtype.isFloatingPoint else { return nil }
        let selected = if !include.isEmpty {
            include.contains { info.name.contains($0) }
        } else if let moduleRoles {
            moduleRoles.role(of: info) == .linear
        } else {
            info.shape.count >= 2
        }
        guard selected, !exclude.contains(where: { info.name.contains($0) }) else { return nil }
        if let rule = layers.first(where: { info.name.contains($0.regex) }) {
            return rule.scheme
        }
        return defaultScheme
    }
}

/// GGUF output as `llama-quantize` writes it (`quantizeGGUF`): every tensor llama.cpp quantizes
/// in the type its mix, the options or its fallback choose, byte for byte.
public struct GGUFLayout: SelfQuantizingLayout {
    public init() {}

    public var name: String { "gguf" }
    public var fileExtension: String { "gguf" }
    public var typeNames: [String] { LlamaFileType.names }

    public func check(_ options: SelfQuantizingOptions) throws(SelfQuantizingOptionError) {
        _ = try GGUFQuantizationOptions(options)
    }

    public func plan(input: String, output: String, options: SelfQuantizingOptions) throws -> any LayoutReport {
        try planGGUF(input: input, output: output, options: Self.resolved(options))
    }

    public func quantizeFile(input: String, output: String, options: SelfQuantizingOptions, overwrite: Bool, threads: Int) throws
        -> any LayoutReport {
        try quantizeGGUF(input: input, output: output, options: Self.resolved(options), overwrite: overwrite, threads: threads)
    }

    /// The options typed, with the importance matrix read (recorded under the path as given).
    private static func resolved(_ options: SelfQuantizingOptions) throws -> GGUFQuantizationOptions {
        var resolved = try GGUFQuantizationOptions(options)
        resolved.importance = try options.importancePath.map { try GGUFImportance(path: $0) }
        return resolved
    }
}

extension GGUFReport: LayoutReport {}

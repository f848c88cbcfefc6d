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
        try planGGUF(input: input, output: output, options: GGUFQuantizationOptions(options))
    }

    public func quantizeFile(input: String, output: String, options: SelfQuantizingOptions, overwrite: Bool, threads: Int) throws
        -> any LayoutReport {
        try quantizeGGUF(input: input, output: output, options: GGUFQuantizationOptions(options), overwrite: overwrite,
                         threads: threads)
    }
}

extension GGUFReport: LayoutReport {}

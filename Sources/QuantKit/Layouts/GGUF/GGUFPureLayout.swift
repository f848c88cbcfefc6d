/// GGUF output as `llama-quantize --pure` writes it (`quantizeGGUFPure`): every tensor llama.cpp
/// quantizes in the file type's one ggml type, or its fallback, byte for byte.
public struct GGUFPureLayout: SelfQuantizingLayout {
    public init() {}

    public var name: String { "gguf" }
    public var fileExtension: String { "gguf" }
    public var typeNames: [String] { LlamaFileType.names }

    public func acceptsType(_ name: String) -> Bool { LlamaFileType(named: name) != nil }

    public func quantizeFile(input: String, output: String, typeName: String, overwrite: Bool, threads: Int) throws
        -> any LayoutReport {
        // `acceptsType` has checked the name (the protocol's contract).
        try quantizeGGUFPure(input: input, output: output, fileType: LlamaFileType(named: typeName)!, overwrite: overwrite,
                             threads: threads)
    }
}

extension GGUFPureReport: LayoutReport {}

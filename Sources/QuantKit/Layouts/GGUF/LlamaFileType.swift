/// A file type of llama.cpp's `llama-quantize` (`enum llama_ftype` in llama.h), as its command
/// line names it (`Q4_K_M`), with the number it records as `general.file_type` and the ggml type
/// its `--pure` mode gives every quantized tensor (`llama_ftype_get_default_type`): the _S, _M
/// and _L mixes differ only outside `--pure`, so `Q4_K_S` and `Q4_K_M` both give q4_K, and are
/// told apart by `general.file_type` alone (14 and 15).
///
/// Only the types whose quantizer this tool has are listed (`GGMLQuantizers.types`).
public struct LlamaFileType: Sendable, Equatable {
    /// llama-quantize's name, upper case as it prints it (`Q4_K_M`).
    public let name: String
    /// The `llama_ftype` number written as `general.file_type`.
    public let number: UInt32
    /// The type of every tensor `--pure` quantizes (before the fallback for narrow rows).
    public let tensorType: GGMLType

    /// The file types this tool writes, in `llama_ftype` order.
    public static let all: [LlamaFileType] = [
        LlamaFileType(name: "F32", number: 0, tensorType: .f32),
        LlamaFileType(name: "F16", number: 1, tensorType: .f16),
        LlamaFileType(name: "Q4_0", number: 2, tensorType: .q4_0),
        LlamaFileType(name: "Q4_1", number: 3, tensorType: .q4_1),
        LlamaFileType(name: "Q8_0", number: 7, tensorType: .q8_0),
        LlamaFileType(name: "Q5_0", number: 8, tensorType: .q5_0),
        LlamaFileType(name: "Q5_1", number: 9, tensorType: .q5_1),
        LlamaFileType(name: "Q2_K", number: 10, tensorType: .q2_K),
        LlamaFileType(name: "Q3_K_S", number: 11, tensorType: .q3_K),
        LlamaFileType(name: "Q3_K_M", number: 12, tensorType: .q3_K),
        LlamaFileType(name: "Q3_K_L", number: 13, tensorType: .q3_K),
        LlamaFileType(name: "Q4_K_S", number: 14, tensorType: .q4_K),
        LlamaFileType(name: "Q4_K_M", number: 15, tensorType: .q4_K),
        LlamaFileType(name: "Q5_K_S", number: 16, tensorType: .q5_K),
        LlamaFileType(name: "Q5_K_M", number: 17, tensorType: .q5_K),
        LlamaFileType(name: "Q6_K", number: 18, tensorType: .q6_K),
        LlamaFileType(name: "Q2_K_S", number: 21, tensorType: .q2_K),
        LlamaFileType(name: "BF16", number: 32, tensorType: .bf16),
        LlamaFileType(name: "MXFP4_MOE", number: 38, tensorType: .mxfp4),
    ]

    /// llama-quantize's aliases: `Q3_K` is `Q3_K_M`, `Q4_K` is `Q4_K_M`, `Q5_K` is `Q5_K_M`.
    static let aliases = ["Q3_K": "Q3_K_M", "Q4_K": "Q4_K_M", "Q5_K": "Q5_K_M"]

    /// The file type llama-quantize calls `name`, in any case (`q4_k_m`, `Q4_K`); nil for
    /// a name it does not know or this tool does not write.
    public init?(named name: String) {
        let upper = name.uppercased()
        let canonical = Self.aliases[upper] ?? upper
        guard let found = Self.all.first(where: { $0.name == canonical }) else { return nil }
        self = found
    }

    init(name: String, number: UInt32, tensorType: GGMLType) {
        self.name = name
        self.number = number
        self.tensorType = tensorType
    }

    /// The names `init(named:)` accepts, upper case. Stored once: the CLI's completion hint
    /// keeps them in an enum payload whose spare bits carry the case, which LeakSanitizer cannot
    /// follow, so the array must also stay reachable from here.
    public static let names: [String] = all.map(\.name) + aliases.keys.sorted()
}

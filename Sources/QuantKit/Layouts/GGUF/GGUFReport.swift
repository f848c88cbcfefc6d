import Foundation

/// What a GGUF run wrote, or with `written` false would write (a dry run): per tensor its ggml
/// types in and out, who chose the type out (`GGUFPlan.Choice`: the file type, the mix, or a
/// requested override, each listed as such), dimensions, bytes and bits per weight, its fallback
/// with the reason and size cost, and llama-quantize's two size lines (`model size` and `quant
/// size`, each in MiB with bits per weight over every element of the file), the tensors
/// requantized from a block type with a warning, and the files read and written (the shards of
/// a split model).
public struct GGUFReport: Sendable, Encodable {
    public struct TensorLine: Sendable, Encodable, Equatable {
        public let name: String
        public let typeIn: String
        public let typeOut: String
        /// Who chose `typeOut` (`GGUFPlan.Choice.description`).
        public let choice: String
        /// Dimensions innermost first, as llama-quantize prints them.
        public let dims: [Int]
        public let bytesIn: Int
        public let bytesOut: Int
        /// `8 · bytesOut / elements`.
        public let bitsPerWeight: Double
        /// The type chosen before the fallback, and why it was replaced (nil: no fallback).
        public let intendedType: String?
        public let fallback: String?
        /// What the fallback costs: `bytesOut` less `elements · bitsPerWeight / 8` of
        /// `intendedType` (rounded), the bytes that type would take at its bits per weight (it
        /// cannot hold these rows exactly); negative when the fallback is smaller.
        public let fallbackCostBytes: Int?
        /// Quantized from `typeIn`, a block type, after dequantizing it (`--allow-requantize`).
        public let requantized: Bool
        /// The index in `outputFiles` of the file it is in.
        public let shard: Int
    }

    /// One file of the output: its path, how many tensors it holds and their bytes.
    public struct OutputFile: Sendable, Encodable, Equatable {
        public let path: String
        public let tensorCount: Int
        public let tensorBytes: Int
    }

    /// llama-quantize's name of the file type (`Q4_K_M`) and its `general.file_type`.
    public let fileType: String
    public let fileTypeNumber: UInt32
    /// No mix: every quantized tensor in the file type's type but for requested overrides.
    public let pure: Bool
    /// False for a dry run: nothing was written.
    public let written: Bool
    public let tensors: [TensorLine]
    /// The files read: the input, or the shards of a split model in order.
    public let inputFiles: [String]
    /// The files written (or, for a dry run, that would be): one, or one per shard.
    public let outputFiles: [OutputFile]
    public let elementCount: Int
    public let bytesIn: Int
    public let bytesOut: Int
    /// `8 · bytes / elementCount`, before and after (llama-quantize's BPW).
    public let bitsPerWeightIn: Double
    public let bitsPerWeightOut: Double
    /// What the importance matrix did to each quantized tensor (`--imatrix` runs only).
    public let importance: GGUFImportanceReport?
    /// What the user should know before using the output: that requantized tensors carry the
    /// error of two quantizations.
    public let warnings: [String]

    /// The report of `plan`, read from `inputFiles` and carried out when `written` into
    /// `outputFiles` (one per output shard), with what an importance matrix did.
    public init(_ plan: GGUFPlan, written: Bool, inputFiles: [String], outputFiles: [String],
                importance: GGUFImportanceReport? = nil) {
        fileType = plan.fileType.name
        fileTypeNumber = plan.fileType.number
        pure = plan.pure
        self.written = written
        let tensors = plan.tensors.map(Self.line)
        self.tensors = tensors
        self.inputFiles = inputFiles
        self.outputFiles = outputFiles.enumerated().map { shard, path in
            let lines = tensors.filter { $0.shard == shard }
            return OutputFile(path: path, tensorCount: lines.count, tensorBytes: lines.reduce(0) { $0 + $1.bytesOut })
        }
        elementCount = plan.tensors.reduce(0) { $0 + $1.dims.reduce(1, *) }
        bytesIn = tensors.reduce(0) { $0 + $1.bytesIn }
        bytesOut = tensors.reduce(0) { $0 + $1.bytesOut }
        bitsPerWeightIn = elementCount == 0 ? 0 : 8 * Double(bytesIn) / Double(elementCount)
        bitsPerWeightOut = elementCount == 0 ? 0 : 8 * Double(bytesOut) / Double(elementCount)
        self.importance = importance
        let requantized = tensors.filter(\.requantized).count
        warnings = requantized == 0 ? [] : [
            "\(requantized) of \(tensors.count) tensor(s) requantized from an already quantized type: each carries the error "
                + "of both quantizations (quantizing the f32, f16 or bf16 original is more accurate)",
        ]
    }

    private static func line(_ entry: GGUFPlan.Entry) -> TensorLine {
        let elements = entry.dims.reduce(1, *)
        let bytesOut = entry.outputType.byteCount(elements: elements) ?? 0
        let cost = entry.intendedType.map { intended in
            bytesOut - Int((Double(elements) * intended.bitsPerWeight / 8).rounded())
        }
        return TensorLine(name: entry.name, typeIn: entry.inputType.description, typeOut: entry.outputType.description,
                          choice: entry.choice.description, dims: entry.dims,
                          bytesIn: entry.inputType.byteCount(elements: elements) ?? 0, bytesOut: bytesOut,
                          bitsPerWeight: elements == 0 ? 0 : 8 * Double(bytesOut) / Double(elements),
                          intendedType: entry.intendedType?.description, fallback: entry.fallback, fallbackCostBytes: cost,
                          requantized: entry.isRequantized, shard: entry.shard)
    }

    /// The human report: one row per tensor, the fallbacks with their cost, then
    /// llama-quantize's size lines (and, for a dry run, that nothing was written).
    public func renderedTable() -> String {
        var table = TextTable(columns: [("tensor", .left), ("dims", .left), ("type in", .left), ("type out", .left),
                                        ("chosen by", .left), ("before", .right), ("after", .right), ("bpw", .right)])
        for line in tensors {
            table.append([line.name, "[" + line.dims.map(String.init).joined(separator: ", ") + "]", line.typeIn, line.typeOut,
                          line.choice, formatBytes(line.bytesIn), formatBytes(line.bytesOut),
                          String(format: "%.4f", line.bitsPerWeight)])
        }
        let fallbacks = tensors.compactMap { line in
            line.fallback.map { "fallback: \(line.name): \($0) (\(Self.signed(line.fallbackCostBytes ?? 0)) bytes)\n" }
        }
        let requantized = tensors.filter(\.requantized).map { "requantized: \($0.name): \($0.typeIn) -> \($0.typeOut)\n" }
        let mib = { (bytes: Int) in Double(bytes) / 1024 / 1024 }
        return table.rendered() + "\n" + fallbacks.joined()
            + (fallbacks.isEmpty ? "" : "\(fallbacks.count) of \(tensors.count) tensor(s) fell back\n")
            + requantized.joined() + warnings.map { "warning: \($0)\n" }.joined() + renderedFiles()
            + String(format: "model size = %8.2f MiB (%.2f BPW)\n", mib(bytesIn), bitsPerWeightIn)
            + String(format: "quant size = %8.2f MiB (%.2f BPW), %@ (general.file_type %u)\n", mib(bytesOut),
                     bitsPerWeightOut, fileType as NSString, fileTypeNumber)
            + (importance?.renderedLines() ?? "") + (written ? "" : "dry run: nothing written\n")
    }

    /// The input shards (for a split model), then each output file with its tensors and bytes.
    private func renderedFiles() -> String {
        let inputs = inputFiles.count < 2 ? [] : inputFiles.enumerated().map { index, path in
            "input shard \(index + 1) of \(inputFiles.count): \(path)\n"
        }
        let outputs = outputFiles.enumerated().map { index, file in
            "output file \(index + 1) of \(outputFiles.count): \(file.path): \(file.tensorCount) tensor(s), "
                + "\(formatBytes(file.tensorBytes))\n"
        }
        return (inputs + outputs).joined()
    }

    private static func signed(_ value: Int) -> String { value > 0 ? "+\(value)" : "\(value)" }

    /// The machine report: one JSON object (keys sorted), ending in a newline.
    public func renderedJSON() -> String {
        encodeJSON(self)
    }
}

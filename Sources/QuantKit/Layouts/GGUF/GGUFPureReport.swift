import Foundation

/// What a `--pure` GGUF run wrote: per tensor its ggml types in and out, dimensions, bytes and
/// bits per weight, and llama-quantize's two size lines (`model size` and `quant size`, each
/// in MiB with bits per weight over every element of the file).
public struct GGUFPureReport: Sendable, Encodable {
    public struct TensorLine: Sendable, Encodable, Equatable {
        public let name: String
        public let typeIn: String
        public let typeOut: String
        /// Dimensions innermost first, as llama-quantize prints them.
        public let dims: [Int]
        public let bytesIn: Int
        public let bytesOut: Int
        /// `8 · bytesOut / elements`.
        public let bitsPerWeight: Double
        /// Why the type is not the file type's (nil: it is, or the tensor was copied).
        public let fallback: String?
    }

    /// llama-quantize's name of the file type (`Q4_K_M`) and its `general.file_type`.
    public let fileType: String
    public let fileTypeNumber: UInt32
    public let tensors: [TensorLine]
    public let elementCount: Int
    public let bytesIn: Int
    public let bytesOut: Int
    /// `8 · bytes / elementCount`, before and after (llama-quantize's BPW).
    public let bitsPerWeightIn: Double
    public let bitsPerWeightOut: Double
    /// What the importance matrix did to each quantized tensor (`--imatrix` runs only).
    public var importance: GGUFImportanceReport?

    /// The report of `plan` carried out.
    public init(_ plan: GGUFPurePlan) {
        fileType = plan.fileType.name
        fileTypeNumber = plan.fileType.number
        tensors = plan.tensors.map { entry in
            let elements = entry.dims.reduce(1, *)
            let bytesOut = entry.outputType.byteCount(elements: elements) ?? 0
            return TensorLine(name: entry.name, typeIn: entry.inputType.description, typeOut: entry.outputType.description,
                              dims: entry.dims, bytesIn: entry.inputType.byteCount(elements: elements) ?? 0, bytesOut: bytesOut,
                              bitsPerWeight: elements == 0 ? 0 : 8 * Double(bytesOut) / Double(elements),
                              fallback: entry.fallback)
        }
        elementCount = plan.tensors.reduce(0) { $0 + $1.dims.reduce(1, *) }
        bytesIn = tensors.reduce(0) { $0 + $1.bytesIn }
        bytesOut = tensors.reduce(0) { $0 + $1.bytesOut }
        bitsPerWeightIn = elementCount == 0 ? 0 : 8 * Double(bytesIn) / Double(elementCount)
        bitsPerWeightOut = elementCount == 0 ? 0 : 8 * Double(bytesOut) / Double(elementCount)
    }

    /// The human report: one row per tensor, the fallbacks, then llama-quantize's size lines.
    public func renderedTable() -> String {
        var table = TextTable(columns: [("tensor", .left), ("dims", .left), ("type in", .left), ("type out", .left),
                                        ("before", .right), ("after", .right), ("bpw", .right)])
        for line in tensors {
            table.append([line.name, "[" + line.dims.map(String.init).joined(separator: ", ") + "]", line.typeIn, line.typeOut,
                          formatBytes(line.bytesIn), formatBytes(line.bytesOut), String(format: "%.4f", line.bitsPerWeight)])
        }
        let fallbacks = tensors.compactMap { line in line.fallback.map { "fallback: \(line.name): \($0)\n" } }
        let mib = { (bytes: Int) in Double(bytes) / 1024 / 1024 }
        return table.rendered() + "\n" + fallbacks.joined() + (importance?.renderedLines() ?? "")
            + String(format: "model size = %8.2f MiB (%.2f BPW)\n", mib(bytesIn), bitsPerWeightIn)
            + String(format: "quant size = %8.2f MiB (%.2f BPW), %@ (general.file_type %u)\n", mib(bytesOut),
                     bitsPerWeightOut, fileType as NSString, fileTypeNumber)
    }

    /// The machine report: one JSON object (keys sorted), ending in a newline.
    public func renderedJSON() -> String {
        encodeJSON(self)
    }
}

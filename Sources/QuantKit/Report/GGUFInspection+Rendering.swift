import Foundation

extension GGUFInspection {
    /// The human listing: the header line, the metadata, one row per tensor, the totals (size
    /// and bits per weight as llama.cpp's loader prints them), then the problems and notes.
    public func renderedTable() -> String {
        var text = "\(file): GGUF version \(version), alignment \(alignment), data section at byte \(dataStart) of \(fileSize)\n\n"
        var entries = TextTable(columns: [("key", .left), ("type", .left), ("value", .left)])
        for entry in metadata { entries.append([entry.key, entry.type, entry.value]) }
        text += "\(metadata.count) metadata entr\(metadata.count == 1 ? "y" : "ies")\n" + (metadata.isEmpty ? "" : entries.rendered())
        var table = TextTable(columns: [
            ("tensor", .left), ("type", .left), ("dims (ggml)", .left), ("shape", .left), ("bytes", .right), ("offset", .right),
            ("BPW", .right),
        ])
        for tensor in tensors {
            table.append([tensor.name, tensor.type, "[" + tensor.dims.map(String.init).joined(separator: ", ") + "]",
                          formatShape(tensor.shape), "\(tensor.bytes)", "\(tensor.offset)", String(format: "%.4f", tensor.bitsPerWeight)])
        }
        text += "\n" + (tensors.isEmpty ? "" : table.rendered())
        text += "\(tensors.count) tensors, \(totalElements) elements, \(llamaSize) (\(String(format: "%.2f", bitsPerWeight)) BPW)\n"
        if problems.isEmpty {
            text += "consistent: every tensor where llama.cpp expects it, every block scale finite\n"
        } else {
            text += "\(problems.count) problem\(problems.count == 1 ? "" : "s"):\n" + problems.map { "  - \($0)\n" }.joined()
        }
        return text + notes.map { "note: \($0)\n" }.joined()
    }

    /// The tensor bytes as llama.cpp's loader prints its "file size": MiB below 1 GiB, GiB
    /// from there, two decimals.
    var llamaSize: String {
        let bytes = Double(totalBytes)
        return bytes < 1024 * 1024 * 1024 ? String(format: "%.2f MiB", bytes / 1024 / 1024)
            : String(format: "%.2f GiB", bytes / 1024 / 1024 / 1024)
    }

    /// The machine listing: one JSON object, keys sorted, ending in a newline.
    public func renderedJSON() -> String {
        encodeJSON(self)
    }
}

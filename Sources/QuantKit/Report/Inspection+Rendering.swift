import Foundation

extension Inspection {
    /// The human listing: one row per tensor, the totals, then each problem on its own line.
    public func renderedTable() -> String {
        var table = TextTable(columns: [
            ("tensor", .left), ("shape", .left), ("dtype", .left), ("scheme", .left), ("bits", .right),
            ("axis", .right), ("scale min", .right), ("scale max", .right), ("bytes", .right),
        ])
        for line in tensors {
            table.append([
                line.name, formatShape(line.shape), line.dtype, line.scheme ?? "-", line.bits.map(String.init) ?? "-",
                line.axis.map(String.init) ?? "-", line.scaleMin.map { String(format: "%.4e", $0) } ?? "-",
                line.scaleMax.map { String(format: "%.4e", $0) } ?? "-", formatBytes(line.bytes),
            ])
        }
        var text = "\(file)" + (writtenBy.map { " (written by \($0))" } ?? "") + "\n\n" + table.rendered()
        text += "\n\(tensors.count) tensors, \(quantizedCount) quantized, \(formatBytes(totalBytes)) of data\n"
        if problems.isEmpty {
            text += writtenBy == nil ? "" : "consistent: every quantized tensor has its scales and matches the metadata\n"
        } else {
            text += "\(problems.count) problem\(problems.count == 1 ? "" : "s"):\n"
            text += problems.map { "  - \($0)\n" }.joined()
        }
        return text + notes.map { "note: \($0)\n" }.joined()
    }

    /// The machine listing: one JSON object, keys sorted, ending in a newline.
    public func renderedJSON() -> String {
        encodeJSON(self)
    }
}

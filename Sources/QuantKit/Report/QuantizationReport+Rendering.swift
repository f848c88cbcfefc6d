import Foundation

extension QuantizationReport {
    /// The human report: one row per tensor, then the totals.
    public func renderedTable() -> String {
        // The gain over min-max scales, only when a clipping search ran.
        let clipped = tensors.contains { $0.sqnrGainDB != nil }
        var table = TextTable(columns: [
            ("tensor", .left), ("shape", .left), ("scheme", .left), ("bits", .right),
            ("before", .right), ("after", .right), ("MSE", .right), ("max err", .right), ("SQNR dB", .right),
        ] + (clipped ? [("vs minmax", .right)] : []))
        for line in tensors {
            var row: [String] = [
                line.name, formatShape(line.shape), line.scheme, line.bits.map(String.init) ?? "-",
                formatBytes(line.bytesBefore), formatBytes(line.bytesAfter),
                line.mse.map { String(format: "%.3e", $0) } ?? "-",
                line.maxAbsError.map { String(format: "%.3e", $0) } ?? "-",
                line.sqnrDB.map { $0.isFinite ? String(format: "%.2f", $0) : "inf" } ?? "-",
            ]
            if clipped {
                row.append(line.sqnrGainDB.map { $0.isFinite ? String(format: "%+.2f", $0) : "-" } ?? "-")
            }
            table.append(row)
        }
        let summary = "\(quantizedCount) of \(tensors.count) tensors quantized: "
            + sizeSummary(before: bytesBefore, after: bytesAfter, bitsPerWeight: bitsPerWeight)
            + String(format: " in %.3f s\n", elapsedSeconds)
        return table.rendered() + "\n" + summary + notes.map { "note: \($0)\n" }.joined()
    }

    /// The machine report: one JSON object (keys sorted), ending in a newline.
    public func renderedJSON() -> String {
        encodeJSON(self)
    }
}

import Foundation

extension PlanReport {
    /// The human report: per shard one row per tensor and its totals, then the notes; for
    /// several shards, the totals of all.
    public func renderedTable() -> String {
        var text = shards.map { shard in
            (shards.count > 1 ? "\(shard.input) -> \(shard.output)\n" : "") + Self.table(shard)
        }.joined(separator: "\n")
        if shards.count > 1 {
            text += "\n" + Self.totals(count: "\(shards.count) shards", before: bytesBefore, after: bytesAfter,
                                       bitsPerWeight: bitsPerWeight)
        }
        return text + "nothing written (dry run)\n"
    }

    /// The machine report: one JSON object (keys sorted), ending in a newline.
    public func renderedJSON() -> String {
        encodeJSON(self)
    }

    enum CodingKeys: String, CodingKey {
        case shards, bytesBefore = "bytes_before", bytesAfter = "bytes_after", bitsPerWeight = "bits_per_weight"
        case dryRun = "dry_run"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(shards, forKey: .shards)
        try container.encode(bytesBefore, forKey: .bytesBefore)
        try container.encode(bytesAfter, forKey: .bytesAfter)
        try container.encode(bitsPerWeight, forKey: .bitsPerWeight)
        try container.encode(true, forKey: .dryRun)
    }

    private static func table(_ shard: Shard) -> String {
        var table = TextTable(columns: [("tensor", .left), ("shape", .left), ("dtype", .left), ("scheme", .left),
                                        ("bits", .right), ("before", .right), ("after", .right), ("bpw", .right)])
        for line in shard.tensors {
            table.append([line.name, formatShape(line.shape), line.dtype, line.scheme, line.bits.map(String.init) ?? "-",
                          formatBytes(line.bytesBefore), formatBytes(line.bytesAfter),
                          String(format: "%.2f", line.bitsPerWeight)])
        }
        let quantized = shard.tensors.filter { $0.scheme != "none" }.count
        return table.rendered() + "\n"
            + totals(count: "\(quantized) of \(shard.tensors.count) tensors to quantize", before: shard.bytesBefore,
                     after: shard.bytesAfter, bitsPerWeight: shard.bitsPerWeight)
            + shard.notes.map { "note: \($0)\n" }.joined()
    }

    private static func totals(count: String, before: Int, after: Int, bitsPerWeight: Double) -> String {
        "\(count): " + sizeSummary(before: before, after: after, bitsPerWeight: bitsPerWeight) + "\n"
    }
}

import Foundation

/// The reports of a sharded run, one per shard, and their totals.
public struct ShardedReport: Sendable, Encodable {
    public let shards: [QuantizationReport]
    public let elapsedSeconds: Double

    public init(shards: [QuantizationReport], elapsedSeconds: Double) {
        self.shards = shards
        self.elapsedSeconds = elapsedSeconds
    }

    public var bytesBefore: Int { shards.reduce(0) { $0 + $1.bytesBefore } }
    public var bytesAfter: Int { shards.reduce(0) { $0 + $1.bytesAfter } }
    public var compressionRatio: Double { QuantKit.compressionRatio(before: bytesBefore, after: bytesAfter) }

    enum CodingKeys: String, CodingKey {
        case shards
        case bytesBefore = "bytes_before", bytesAfter = "bytes_after"
        case compressionRatio = "compression_ratio", elapsedSeconds = "elapsed_seconds"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(shards, forKey: .shards)
        try container.encode(bytesBefore, forKey: .bytesBefore)
        try container.encode(bytesAfter, forKey: .bytesAfter)
        try container.encode(compressionRatio, forKey: .compressionRatio)
        try container.encode(elapsedSeconds, forKey: .elapsedSeconds)
    }

    /// Each shard's table under its file names, then the totals.
    public func renderedTable() -> String {
        var text = shards.map { "\($0.input) -> \($0.output)\n" + $0.renderedTable() }.joined(separator: "\n")
        text += "\n" + String(format: "%d shards: %@ -> %@ (%.2fx smaller) in %.3f s, %.2f GB/s\n", shards.count,
                              formatBytes(bytesBefore) as NSString, formatBytes(bytesAfter) as NSString, compressionRatio,
                              elapsedSeconds, Double(bytesBefore) / max(elapsedSeconds, 1e-9) / 1e9)
        return text
    }

    /// One JSON object, keys sorted, ending in a newline.
    public func renderedJSON() -> String {
        encodeJSON(self)
    }
}

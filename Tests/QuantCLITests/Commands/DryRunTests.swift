import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// `--dry-run`: the plan's sizes are the sizes the real run writes, and nothing is written.
@Suite struct DryRunTests {
    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test(arguments: [
        ["--scheme", "per-channel"], ["--scheme", "per-channel", "--bits", "4"], ["--scheme", "asymmetric", "--bits", "3"],
        ["--scheme", "per-channel", "--group-size", "16", "--bits", "4"], ["--include", ".*", "--exclude", "norm"],
        ["--scheme", "fp8-per-channel"], ["--scheme", "fp8", "--group-size", "16"],
    ])
    func sizesEqualTheRealRunsAndNothingIsWritten(options: [String]) throws {
        let folder = try TemporaryFolder()
        let input = fixture("example/mlp.npz")
        let planned = cli([input, "-o", folder.path("planned.npz"), "--dry-run", "--report", "json"] + options)
        #expect(planned.status == .success, "\(planned.err)")
        #expect(try folder.contents().isEmpty)
        let real = cli([input, "-o", folder.path("real.npz"), "--report", "json"] + options)
        #expect(real.status == .success, "\(real.err)")
        let plan = try json(planned.out), done = try json(real.out)
        #expect(plan["dry_run"] as? Bool == true)
        let shard = try #require((plan["shards"] as? [[String: Any]])?.first)
        let planLines = try #require(shard["tensors"] as? [[String: Any]])
        let doneLines = try #require(done["tensors"] as? [[String: Any]])
        #expect(planLines.map { $0["name"] as? String } == doneLines.map { $0["name"] as? String })
        for (a, b) in zip(planLines, doneLines) {
            for key in ["scheme", "bits", "bytes_before", "bytes_after", "bits_per_weight"] {
                #expect("\(a[key] ?? "nil")" == "\(b[key] ?? "nil")", "\(a["name"] ?? "") \(key)")
            }
            let elements = (a["shape"] as? [Int])?.reduce(1, *) ?? 0
            #expect(a["bits_per_weight"] as? Double == 8 * Double(a["bytes_after"] as? Int ?? -1) / Double(elements))
        }
        #expect(plan["bytes_after"] as? Int == done["bytes_after"] as? Int)
        #expect(plan["bits_per_weight"] as? Double == done["bits_per_weight"] as? Double)
    }

    @Test func aFolderIsPlannedShardByShardWithTotals() throws {
        let folder = try TemporaryFolder()
        let input = folder.url.appendingPathComponent("checkpoint")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture("example/mlp.npz"), toPath: input.appendingPathComponent("a.npz").path)
        try FileManager.default.copyItem(atPath: fixture("digits/mlp.npz"), toPath: input.appendingPathComponent("b.npz").path)
        let result = cli([input.path, "-o", folder.path("out"), "--dry-run"])
        #expect(result.status == .success, "\(result.err)")
        #expect(result.out.contains("a.npz -> ") && result.out.contains("b.npz -> "))
        #expect(result.out.contains("2 shards: ") && result.out.hasSuffix("nothing written (dry run)\n"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("out")))
    }

    @Test func aBadPlanFailsAsTheRealRunWould() throws {
        let folder = try TemporaryFolder()
        let arguments = [fixture("example/mlp.npz"), "-o", folder.path("x.npz"), "--scheme", "per-channel", "--group-size", "48"]
        let planned = cli(arguments + ["--dry-run"])
        let real = cli(arguments)
        #expect(planned.status == .failure && planned.err == real.err && planned.err.contains("group size 48"))
        #expect(try folder.contents().isEmpty)
    }

    @Test func reportNoneStaysSilent() throws {
        let folder = try TemporaryFolder()
        let result = cli([fixture("example/mlp.npz"), "-o", folder.path("x.npz"), "--dry-run", "--report", "none"])
        #expect(result.status == .success && result.out.isEmpty)
    }
}

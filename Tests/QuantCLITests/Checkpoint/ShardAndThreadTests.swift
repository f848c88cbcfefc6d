import Foundation
import QuantKit
import Testing

@testable import QuantCLI

@Suite struct ShardAndThreadTests {
    @Test func folderOfShardsGivesOneArchivePerShardAndACombinedReport() throws {
        let folder = try TemporaryFolder()
        let input = folder.url.appendingPathComponent("checkpoint")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture("example/mlp.npz"), toPath: input.appendingPathComponent("model-00010.npz").path)
        try FileManager.default.copyItem(atPath: fixture("digits/mlp.npz"), toPath: input.appendingPathComponent("model-00002.npz").path)
        try FileManager.default.copyItem(atPath: fixture("npy/valid/f4.npy"), toPath: input.appendingPathComponent("head.npy").path)
        try Data("not a shard".utf8).write(to: input.appendingPathComponent("config.json"))
        let output = folder.path("quantized")
        let result = cli([input.path, "-o", output, "--report", "json"])
        #expect(result.status == .success, "\(result.err)")
        // The companion config.json is copied unchanged (an .npz output gets no quantization_config).
        #expect(try FileManager.default.contentsOfDirectory(atPath: output).sorted()
                == ["config.json", "head.npz", "model-00002.npz", "model-00010.npz"])
        #expect(FileManager.default.contents(atPath: output + "/config.json") == Data("not a shard".utf8))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let shards = try #require(report["shards"] as? [[String: Any]])
        // Natural order: head, model-00002, model-00010.
        #expect(shards.compactMap { ($0["input"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent } }
                == ["head.npy", "model-00002.npz", "model-00010.npz"])
        let before = shards.compactMap { $0["bytes_before"] as? Int }.reduce(0, +)
        #expect(report["bytes_before"] as? Int == before)
        // Each shard's archive is what quantizing it alone gives.
        let alone = folder.path("alone.npz")
        #expect(cli([fixture("digits/mlp.npz"), "-o", alone]).status == .success)
        #expect(try loadAll(alone) == loadAll(output + "/model-00002.npz"))
    }

    @Test func outputFolderMayNotBeAnInputFolderNorAFile() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: fixture("example/mlp.npz"), toPath: folder.path("a.npz"))
        try FileManager.default.copyItem(atPath: fixture("digits/mlp.npz"), toPath: folder.path("b.npz"))
        let same = cli([folder.path("a.npz"), folder.path("b.npz"), "-o", folder.url.path])
        #expect(same.status == .failure && same.err.contains("the output folder is an input folder"))
        let file = cli([folder.path("a.npz"), folder.path("b.npz"), "-o", folder.path("a.npz")])
        #expect(file.status == .failure && file.err.contains("several shards need an output folder"))
        #expect(try folder.contents() == ["a.npz", "b.npz"])
    }

    /// Large enough that every scheme cuts the work into several pieces.
    @Test(arguments: QuantScheme.names)
    func archiveIsBitIdenticalWhateverTheThreadCount(scheme: String) throws {
        let folder = try TemporaryFolder()
        let input = folder.path("big.npz")
        let values = gaussianSamples(count: 3 * 90_000, seed: 9)
        try writeNPZ([("w", Tensor(shape: [3, 90_000], values: values)), ("t", Tensor(shape: [90_000, 3], values: values))],
                     to: input)
        var archives: [Data] = []
        var reports: [String] = []
        for threads in ["1", "2", "5"] {
            let output = folder.path("out-\(threads).npz")
            let result = cli([input, "-o", output, "--scheme", scheme, "--threads", threads, "--include", ".",
                              "--layer", "^t$=\(scheme):5", "--axis", "-1", "--report", "json"])
            #expect(result.status == .success, "\(result.err)")
            archives.append(try Data(contentsOf: URL(fileURLWithPath: output)))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
            let tensors = try #require(json["tensors"] as? [[String: Any]])
            reports.append(tensors.map { "\($0["mse"] ?? "") \($0["max_abs_error"] ?? "") \($0["sqnr_db"] ?? "")" }.joined())
        }
        #expect(archives[0] == archives[1] && archives[1] == archives[2])
        #expect(reports[0] == reports[1] && reports[1] == reports[2])
    }
}

@Suite struct CompressedInputTests {
    /// Deflated members are read two at a time on two threads: the archive is the same as
    /// from the stored file, with one thread or several.
    @Test func deflatedInputGivesTheStoredInputsArchiveOnAnyThreadCount() throws {
        let folder = try TemporaryFolder()
        let tensors = (0 ..< 5).map { index in
            ("layer\(index).weight", Tensor(shape: [64, 300], values: gaussianSamples(count: 64 * 300, seed: UInt64(index))))
        }
        try writeNPZ(tensors, to: folder.path("stored.npz"))
        try writeNPZ(tensors, to: folder.path("deflated.npz"), compressed: true)
        #expect(cli([folder.path("stored.npz"), "-o", folder.path("a.npz")]).status == .success)
        for threads in ["1", "2"] {
            let output = folder.path("b\(threads).npz")
            #expect(cli([folder.path("deflated.npz"), "-o", output, "--threads", threads]).status == .success)
            #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == Data(contentsOf: URL(fileURLWithPath: folder.path("a.npz"))))
        }
    }
}

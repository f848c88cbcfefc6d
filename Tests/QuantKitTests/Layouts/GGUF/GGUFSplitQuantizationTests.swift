import Foundation
import Testing
@testable import QuantKit

/// Fixtures/gguf/split: the shards of tiny_split (gguf-py's split writer) and, in expected.json,
/// what the real llama-quantize wrote from them, as one file and with --keep-split
/// (make_split_fixtures.py).
private enum SplitFixture {
    /// One file written: its name and the rest of its record.
    struct File: Decodable {
        let name: String
        let output: LlamaQuantizeOutput

        private enum CodingKeys: String, CodingKey { case name }

        init(from decoder: any Decoder) throws {
            name = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .name)
            output = try LlamaQuantizeOutput(from: decoder)
        }
    }

    struct Expected: Decodable {
        let single: [String: [File]]
        let keepSplit: [String: [File]]
        let unsplitKeepSplit: [File]
    }

    static let folder = fixturesFolder.appendingPathComponent("gguf/split")
    static let input = folder.appendingPathComponent("tiny_split-00001-of-00004.gguf").path
    static let expected: Expected = {
        // The fixture is committed with the script that wrote it; a missing one is a broken checkout.
        let data = try! Data(contentsOf: folder.appendingPathComponent("expected.json"))
        return try! JSONDecoder().decode(Expected.self, from: data)
    }()
}

@Suite struct GGUFSplitQuantizationTests {
    private func scratchFolder() throws -> String {
        let path = NSTemporaryDirectory() + "/gguf-split-out-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func options(_ run: String, keepSplit: Bool) -> GGUFQuantizationOptions {
        var options = GGUFQuantizationOptions.run(run)
        options.keepSplit = keepSplit
        return options
    }

    /// Every file in `folder` is the expected one, byte for byte, and no other is there.
    private func expectFiles(_ folder: String, _ expected: [SplitFixture.File]) throws {
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == expected.map(\.name))
        for file in expected {
            try expectLlamaQuantizes(folder + "/" + file.name, file.output, "\(file.name)")
        }
    }

    @Test(arguments: ["Q8_0+pure", "Q4_K_M", "Q6_K"])
    func aSplitModelBecomesOneFileAsLlamaQuantizeWritesIt(run: String) throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let report = try quantizeGGUF(input: SplitFixture.input, output: folder + "/out.gguf", options: options(run, keepSplit: false),
                                      threads: 2)
        try expectFiles(folder, try #require(SplitFixture.expected.single[run]))
        #expect(report.inputFiles.count == 4 && report.outputFiles.map(\.path) == [folder + "/out.gguf"])
    }

    @Test(arguments: ["Q8_0+pure", "Q4_K_M", "Q6_K"])
    func keepSplitWritesTheSameShardsAsLlamaQuantize(run: String) throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let report = try quantizeGGUF(input: SplitFixture.input, output: folder + "/out.gguf", options: options(run, keepSplit: true),
                                      threads: 2)
        let expected = try #require(SplitFixture.expected.keepSplit[run])
        try expectFiles(folder, expected)
        #expect(report.outputFiles.map(\.path) == expected.map { folder + "/" + $0.name })
        #expect(report.outputFiles.map(\.tensorCount) == expected.map(\.output.tensors.count))
    }

    @Test func keepSplitOfOneFileIsOneShardInFileOrder() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let input = fixturesFolder.appendingPathComponent("gguf/pure/tiny_llama.gguf").path
        _ = try quantizeGGUF(input: input, output: folder + "/out.gguf", options: options("Q8_0", keepSplit: true))
        try expectFiles(folder, SplitFixture.expected.unsplitKeepSplit)
    }

    @Test func theDryRunListsEveryShardAndWritesNothing() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let report = try planGGUF(input: SplitFixture.input, output: folder + "/out.gguf", options: options("Q4_K_M", keepSplit: true))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        let table = report.renderedTable()
        #expect(table.contains("input shard 2 of 4: \(SplitFixture.folder.path)/tiny_split-00002-of-00004.gguf\n"))
        #expect(table.contains("output file 4 of 4: \(folder)/out-00004-of-00004.gguf: 3 tensor(s), "))
        #expect(report.tensors.map(\.shard) == [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3])
        #expect(report.outputFiles.map(\.tensorBytes) == (0 ..< 4).map { shard in
            report.tensors.filter { $0.shard == shard }.reduce(0) { $0 + $1.bytesOut }
        })
    }

    @Test func aFailureInTheLastShardLeavesNoShardBehind() throws {
        let input = try scratchFolder(), folder = try scratchFolder()
        defer { for path in [input, folder] { try? FileManager.default.removeItem(atPath: path) } }
        for number in 1 ... 4 {
            let name = "tiny_split-0000\(number)-of-00004.gguf"
            try FileManager.default.copyItem(atPath: SplitFixture.folder.path + "/" + name, toPath: input + "/" + name)
        }
        // An f16 NaN as the first value of blk.0.ffn_gate.weight, in the last shard.
        let last = input + "/tiny_split-00004-of-00004.gguf"
        let source = try GGUFSource(path: last)
        let offset = source.header.dataStart + (try source.ggmlTensor("blk.0.ffn_gate.weight")).offset
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: last))
        try handle.seek(toOffset: offset)
        handle.write(Data([0x00, 0x7E]))
        try handle.close()
        #expect {
            try quantizeGGUF(input: input + "/tiny_split-00001-of-00004.gguf", output: folder + "/out.gguf",
                             options: options("Q8_0", keepSplit: true))
        } throws: { error in
            "\(error)" == "\(last): 'blk.0.ffn_gate.weight': holds nan at flat index 0; only finite values can be quantized"
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test func anExistingShardIsNotReplacedAndNothingIsWritten() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let existing = folder + "/out-00003-of-00004.gguf"
        try Data("keep".utf8).write(to: URL(fileURLWithPath: existing))
        #expect(throws: OutputError.self) {
            try quantizeGGUF(input: SplitFixture.input, output: folder + "/out.gguf", options: options("Q8_0", keepSplit: true))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["out-00003-of-00004.gguf"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: existing)) == Data("keep".utf8))
    }

    @Test func anInputShardIsNeverAnOutput() throws {
        let prefix = SplitFixture.folder.appendingPathComponent("tiny_split.gguf").path
        #expect(throws: OutputError.self) {
            try quantizeGGUF(input: SplitFixture.input, output: prefix, options: options("Q8_0", keepSplit: true), overwrite: true)
        }
    }
}

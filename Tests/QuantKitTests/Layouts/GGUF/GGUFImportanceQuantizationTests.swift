import Foundation
import Testing
@testable import QuantKit

/// Fixtures/gguf/imatrix (make_imatrix_fixtures.py): importance matrices for
/// Fixtures/gguf/pure/tiny_llama.gguf and tiny_moe.gguf, and what the real
/// `llama-quantize --pure --imatrix FILE MODEL OUT TYPE` wrote with each (run in that folder, so
/// `quantize.imatrix.file` is the bare file name).
enum ImatrixFixture {
    struct Output: Decodable {
        let size: Int
        let sha256: String
        let keys: [String]
        let tensors: [String: UInt32]
    }

    static let folder = fixturesFolder.appendingPathComponent("gguf/imatrix")
    static let expected: [String: [String: Output]] = {
        // The fixture is committed with the script that wrote it; a missing one is a broken checkout.
        let data = try! Data(contentsOf: folder.appendingPathComponent("expected.json"))
        let object = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        let outputs = object.filter { $0.key.hasSuffix(".gguf") || $0.key.hasSuffix(".dat") }
        let json = try! JSONSerialization.data(withJSONObject: outputs)
        return try! JSONDecoder().decode([String: [String: Output]].self, from: json)
    }()
    static let refusedWithoutImportance: [String] = {
        let data = try! Data(contentsOf: folder.appendingPathComponent("expected.json"))
        let object = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        return object["refused_without_imatrix"] as! [String]
    }()

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
    static func model(for imatrix: String) -> String {
        imatrix.hasPrefix("moe") ? path("tiny_moe.gguf") : fixturesFolder.appendingPathComponent("gguf/pure/tiny_llama.gguf").path
    }

    /// Every (imatrix file, type) llama-quantize was run with.
    static let runs: [(String, String)] = expected.keys.sorted().flatMap { file in
        expected[file]!.keys.sorted().map { (file, $0) }
    }
}

@Suite struct GGUFImportanceQuantizationTests {
    private func temporaryPath(_ name: String) -> String {
        "\(NSTemporaryDirectory())/gguf-imatrix-\(getpid())-\(UUID().uuidString)-\(name)"
    }

    @Test(arguments: ImatrixFixture.runs)
    func outputIsLlamaQuantizesByteForByte(imatrix: String, type: String) throws {
        let expected = try #require(ImatrixFixture.expected[imatrix]?[type])
        let output = temporaryPath("\(type).gguf")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let importance = GGUFImportance(matrix: try ImportanceMatrix.load(path: ImatrixFixture.path(imatrix)),
                                        recordedPath: imatrix)
        let report = try quantizeGGUF(input: ImatrixFixture.model(for: imatrix), output: output,
                                      options: .pure(type, importance: importance), threads: 2)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: output)))
        let written = try GGUFSource(path: output)
        #expect(written.metadata.compactMap(\.key.string) == expected.keys)
        #expect(Dictionary(uniqueKeysWithValues: written.ggmlTensors.map { ($0.name, $0.type.rawValue) }) == expected.tensors)
        #expect(bytes.count == expected.size)
        #expect(sha256Hex(bytes) == expected.sha256, "\(imatrix) \(type)")
        #expect(try #require(report.importance).tensors.count == report.tensors.filter { $0.typeIn != $0.typeOut }.count)
    }

    @Test func theReportSaysWhichTensorsWereWeighted() throws {
        let output = temporaryPath("q4.gguf")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let report = try quantizeGGUF(input: ImatrixFixture.model(for: "imatrix.gguf"), output: output,
                                      options: .pure("Q4_K_M", importance: GGUFImportance(path: ImatrixFixture.path("imatrix.gguf"))),
                                      threads: 2)
        let uses = Dictionary(uniqueKeysWithValues: try #require(report.importance).tensors.map { ($0.tensor, $0.use) })
        #expect(uses["token_embd.weight"] == "entry length ignored (token embedding)")
        #expect(uses["blk.1.attn_k_b.weight"] == "ignored by its type")  // 48 wide: f16
        #expect(uses["blk.0.ffn_down.weight"] == "weighted")  // 96 wide: q5_0, weighted too
        #expect(uses["blk.0.attn_q.weight"] == "weighted")
        #expect(report.renderedTable().contains("importance matrix"))
        #expect(report.renderedJSON().contains("\"weightedCount\""))
    }

    @Test func typesRefusedWithoutAnImportanceMatrixAreLlamaQuantizes() throws {
        let output = temporaryPath("refused.gguf")
        defer { try? FileManager.default.removeItem(atPath: output) }
        var refused: [String] = []
        for type in ["F16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q2_K_S", "Q3_K_S", "Q4_K_M", "Q5_K_S", "Q6_K"] {
            do {
                _ = try quantizeGGUF(input: ImatrixFixture.model(for: "imatrix.gguf"), output: output,
                                     options: .pure(type), overwrite: true, threads: 2)
            } catch let error as FileError {
                #expect(error.member == "blk.0.attn_k.weight")
                #expect("\(error)".contains("needs an importance matrix"))
                refused.append(type)
            }
        }
        #expect(refused == ImatrixFixture.refusedWithoutImportance)
    }

    @Test func anEntryOfTheWrongLengthIsRefusedNamingBoth() throws {
        let output = temporaryPath("mismatch.gguf")
        let loaded = try ImportanceMatrix.load(path: ImatrixFixture.path("imatrix.gguf"))
        var weights = loaded.weights
        weights["blk.0.attn_q.weight"] = [Float](repeating: 1, count: 128)
        let matrix = ImportanceMatrix(format: .gguf, weights: weights, datasets: [], chunkCount: 0)
        #expect {
            try quantizeGGUF(input: ImatrixFixture.model(for: "imatrix.gguf"), output: output,
                             options: .pure("Q4_K_M", importance: GGUFImportance(matrix: matrix, recordedPath: "m")), threads: 2)
        } throws: { error in
            "\(error)".contains("blk.0.attn_q.weight") && "\(error)".contains("128") && "\(error)".contains("256")
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    /// quantize.imatrix.* replace same-named keys of the input and are appended in quantize.cpp's
    /// order; file and dataset are cut to 127 bytes.
    @Test func imatrixKeysAreLlamaQuantizes() {
        let matrix = ImportanceMatrix(format: .legacy, weights: ["a": [1], "b": [2]],
                                      datasets: [String(repeating: "d", count: 200)], chunkCount: 0)
        let importance = GGUFImportance(matrix: matrix, recordedPath: String(repeating: "p", count: 130))
        let metadata = importance.metadata(after: [GGUFMetadataEntry("quantize.imatrix.file", .string(GGUFString("old"))),
                                                   GGUFMetadataEntry("x", .uint8(1))])
        #expect(metadata.map(\.key.description) == ["x", "quantize.imatrix.file", "quantize.imatrix.dataset",
                                                    "quantize.imatrix.entries_count"])
        #expect(metadata[1].value == .string(GGUFString(String(repeating: "p", count: 127))))
        #expect(metadata[2].value == .string(GGUFString(String(repeating: "d", count: 127))))
        #expect(metadata[3].value == .uint32(2))
    }
}

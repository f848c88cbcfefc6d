import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// The real sentence-transformers/all-MiniLM-L6-v2 folder, fetched by `Fixtures/minilm/fetch.py`
/// into `.cache/` (not committed: 90 MB).
let miniLMFolder = packageRoot.appendingPathComponent(".cache/all-MiniLM-L6-v2").path
let miniLMAvailable = FileManager.default.fileExists(atPath: miniLMFolder + "/model.safetensors")

/// A real pretrained transformer through the whole pipeline. Skipped, with the reason, when the
/// model has not been fetched (`python3 Fixtures/minilm/fetch.py`).
@Suite(.enabled(if: miniLMAvailable, "all-MiniLM-L6-v2 is not in .cache/ (run python3 Fixtures/minilm/fetch.py); the real-model tests are skipped"))
struct MiniLMTests {
    /// Runs `quantize` with defaults on the folder; returns the output folder and the JSON report.
    func quantizeFolder(_ folder: TemporaryFolder, _ extra: [String] = []) throws -> (output: String, report: [String: Any]) {
        let output = folder.path("quantized")
        let result = cli([miniLMFolder, "-o", output, "--report", "json"] + extra)
        #expect(result.status == .success, "\(result.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        return (output, report)
    }

    /// Each quantized tensor's SQNR from the report.
    func reportedSQNR(_ report: [String: Any]) throws -> [String: Double] {
        let shards = try #require(report["shards"] as? [[String: Any]])
        var result: [String: Double] = [:]
        for line in try #require(shards.first?["tensors"] as? [[String: Any]]) where line["scheme"] as? String != "none" {
            result[try #require(line["name"] as? String)] = try #require(line["sqnr_db"] as? Double)
        }
        return result
    }

    /// The Linear weights of the model: every 2-D float tensor but the three embedding tables.
    static func linearWeights() throws -> [TensorInfo] {
        let source = try SafetensorsSource(path: miniLMFolder + "/model.safetensors")
        return source.tensors.filter { $0.dtype.isFloatingPoint && $0.shape.count == 2 && !$0.name.hasPrefix("embeddings.") }
    }

    @Test func defaultRunQuantizesEveryLinearWeightAndWritesALoadableFolder() throws {
        let folder = try TemporaryFolder()
        let (output, report) = try quantizeFolder(folder)
        let matrices = try Self.linearWeights()
        #expect(matrices.count == 37)
        #expect(try reportedSQNR(report).keys.sorted() == matrices.map(\.name).sorted())
        // The embedding tables stay in float, and the report says why.
        let shard = try #require((report["shards"] as? [[String: Any]])?.first)
        let kept = try #require(shard["tensors"] as? [[String: Any]]).filter { $0["kept_because"] != nil }
        #expect(kept.compactMap { $0["name"] as? String }.sorted()
                == ["embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight",
                    "embeddings.word_embeddings.weight"])
        #expect(kept.allSatisfy { $0["kept_because"] as? String == "an embedding table" })
        #expect((shard["notes"] as? [String])?.first?.contains("only Linear weights are quantized by default") == true)
        // Companions are copied; config.json names every quantized module and nothing else.
        for companion in ["tokenizer.json", "modules.json", "1_Pooling/config.json"] {
            #expect(FileManager.default.contents(atPath: output + "/" + companion)
                    == FileManager.default.contents(atPath: miniLMFolder + "/" + companion), "\(companion)")
        }
        let config = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: output + "/config.json"))) as? [String: Any])
        #expect(config["model_type"] as? String == "bert")
        let quantization = try #require(config["quantization_config"] as? [String: Any])
        #expect(quantization["format"] as? String == "pack-quantized")
        let groups = try #require(quantization["config_groups"] as? [String: [String: Any]])
        // One scheme for every Linear module: the group targets the class, as llm-compressor writes it.
        #expect(groups.count == 1)
        #expect(groups["group_0"]?["targets"] as? [String] == ["Linear"])
        #expect(quantization["ignore"] as? [String] == [])
        // The output reads back whole and consistent, at about a quarter of the size.
        let inspection = try Inspection(archive: QuantizedArchive(source: openTensorSource(path: output + "/model.safetensors")))
        #expect(inspection.problems.isEmpty)
        #expect(inspection.quantizedCount == matrices.count)
        let before = try #require(report["bytes_before"] as? Int)
        let after = try #require(report["bytes_after"] as? Int)
        // The embedding tables (45.5 of 86.6 MiB) stay float32; the Linear weights shrink 4x.
        #expect((1.5 ... 1.6).contains(Double(before) / Double(after)))
    }

    /// The report's SQNR per tensor equals an independent NumPy computation on the same file.
    @Test(.enabled(if: numpyAvailable, "python3 with NumPy is not available; the NumPy SQNR cross-check is skipped"),
          arguments: [("per-channel", 8), ("per-channel-asymmetric", 4)])
    func reportedSQNRMatchesNumPy(scheme: String, bits: Int) throws {
        let folder = try TemporaryFolder()
        let (_, report) = try quantizeFolder(folder, ["--scheme", scheme, "--bits", "\(bits)"])
        let ours = try reportedSQNR(report)
        let check = try runProcess("/usr/bin/env", ["python3", packageRoot.appendingPathComponent("Fixtures/minilm/numpy_sqnr.py").path,
                                                    miniLMFolder + "/model.safetensors", scheme, "\(bits)"])
        #expect(check.status == 0, "\(check.stderr)")
        let numpy = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Double])
        #expect(try Self.linearWeights().map(\.name).sorted() == ours.keys.sorted())
        for (name, value) in numpy where ours[name] != nil {
            #expect(abs((ours[name] ?? .nan) - value) <= 1e-6, "\(name): ours \(ours[name] ?? .nan), NumPy \(value)")
        }
    }
}

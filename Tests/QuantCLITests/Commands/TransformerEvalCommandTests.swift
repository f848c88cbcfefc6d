import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// `quantize eval FOLDER [QUANTIZED]` on the tiny random decoders of Fixtures/transformers:
/// what it prints, and its refusals (one line, the exit status).
@Suite struct TransformerEvalCommandTests {
    let llama = fixture("transformers/llama")
    let qwen2 = fixture("transformers/qwen2")

    /// `rows` sequences of `length` ids below 512 as an int32 `.npy` at `path`, the last row
    /// padded with -1 after `length - 5` ids.
    static func writeIDs(to path: String, rows: Int = 6, length: Int = 16) throws {
        var bytes = encodeNPYHeader(dtype: .int32, shape: [rows, length])
        for row in 0 ..< rows {
            for position in 0 ..< length {
                let id: Int32 = row == rows - 1 && position >= length - 5 ? -1 : Int32((row * 131 + position * 37 + row * position) % 512)
                withUnsafeBytes(of: id.littleEndian) { bytes += $0 }
            }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    func json(_ arguments: [String]) throws -> [String: Any] {
        let result = cli(["eval"] + arguments + ["--report", "json"])
        try #require(result.status == .success, "\(result.err)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
    }

    @Test func decoderReportHasTheDivergenceAndEveryLinear() throws {
        let folder = try TemporaryFolder()
        let ids = folder.path("ids.npy")
        try Self.writeIDs(to: ids)
        let report = try json([llama, "--tokens", ids, "--bits", "4", "--batch", "4"])
        let decoder = try #require(report["decoder"] as? [String: Any])
        // Five rows of 16 ids and one of 11: 5 x 15 + 10 scored positions.
        #expect(decoder["positions"] as? Int == 85)
        #expect(try #require(decoder["kl_mean"] as? Double) > 0)
        #expect(report["encoder"] is NSNull)
        #expect((report["linears"] as? [Any])?.count == 15)
        #expect((report["data"] as? String)?.hasSuffix("6 sequences, 91 tokens") == true)
        let secondHalf = try json([llama, "--tokens", ids, "--bits", "4", "--kl-positions", "second-half"])
        // Positions T/2 ..< T-1: 7 of each 16-id row, 5 of the 11-id one.
        #expect((secondHalf["decoder"] as? [String: Any])?["positions"] as? Int == 40)
    }

    @Test func writtenOutputEvaluatesExactlyAsTheInMemoryQuantization() throws {
        let folder = try TemporaryFolder()
        let ids = folder.path("ids.npy")
        try Self.writeIDs(to: ids)
        let output = folder.path("llama-int4")
        // .npz output: its scales are float32 as in memory (compressed-tensors keeps this bfloat16
        // checkpoint's scales in bfloat16; see roundToNearestCheckpoint).
        let written = cli([llama, "-o", output, "--bits", "4", "--format", "npz", "--report", "none"])
        try #require(written.status == .success, "\(written.err)")
        let fromFile = try json([llama, output, "--tokens", ids])
        let inMemory = try json([llama, "--tokens", ids, "--bits", "4"])
        #expect(NSDictionary(dictionary: try #require(fromFile["decoder"] as? [String: Any]))
                == NSDictionary(dictionary: try #require(inMemory["decoder"] as? [String: Any])))
        #expect(NSArray(array: try #require(fromFile["linears"] as? [Any])) == NSArray(array: try #require(inMemory["linears"] as? [Any])))
    }

    /// `--scheme nvfp4 | mxfp4 | mxfp8` in memory: the options that would change the format, and
    /// an MLP, are refused by name; a Linear whose rows are not whole groups (the tiny decoder's
    /// down_proj, 172 wide) is one line naming it, as `quantize` refuses it.
    @Test func microscalingSchemesRefuseWhatTheyCannotTake() throws {
        let folder = try TemporaryFolder()
        let ids = folder.path("ids.npy")
        try Self.writeIDs(to: ids)
        let bits = cli(["eval", llama, "--tokens", ids, "--scheme", "nvfp4", "--bits", "4"])
        #expect(bits.status == .usage && bits.err.hasPrefix("quantize: '--scheme nvfp4' cannot be used with '--bits (the format fixes"), "\(bits.err)")
        let int8 = cli(["eval", llama, "--tokens", ids, "--scheme", "mxfp8", "--compute", "int8"])
        #expect(int8.status == .usage && int8.err.hasPrefix("quantize: '--compute int8' cannot be used with '--scheme mxfp8 (microscaled weights run dequantized"))
        let mlp = cli(["eval", fixture("digits/mlp.npz"), "--scheme", "mxfp4"])
        #expect(mlp.status == .usage && mlp.err.contains("a model that is not a transformer checkpoint"), "\(mlp.err)")
        let rows = cli(["eval", llama, "--tokens", ids, "--scheme", "nvfp4"])
        #expect(rows.status == .failure)
        #expect(rows.err.hasPrefix("quantize: \(llama): 'model.layers.0.mlp.down_proj.weight': "), "\(rows.err)")
        #expect(rows.err.contains("172") && rows.err.split(separator: "\n").count == 1)
    }

    @Test func longInputsAreTruncatedWithANoteOrRefused() throws {
        let folder = try TemporaryFolder()
        let ids = folder.path("ids.npy")
        try Self.writeIDs(to: ids)
        let report = try json([llama, "--tokens", ids, "--max-length", "12"])
        #expect(report["notes"] as? [String] == ["5 of 6 sequences were truncated to 12 tokens."])
        #expect((report["decoder"] as? [String: Any])?["positions"] as? Int == 5 * 11 + 10)
        let refused = cli(["eval", llama, "--tokens", ids, "--max-length", "12", "--no-truncate"])
        #expect(refused.status == .failure)
        #expect(refused.err == "quantize: \(ids): line 1 has 16 tokens, more than the maximum length 12, and truncation was refused "
                + "(leave out --no-truncate to truncate it)\n")
        let above = cli(["eval", llama, "--tokens", ids, "--max-length", "2000"])
        #expect(above.status == .usage)
        #expect(above.err.hasPrefix("quantize: invalid value '2000' for '--max-length'"), "\(above.err)")
    }

    @Test func missingTokenizerIsOneLine() throws {
        let result = cli(["eval", llama, "--text", fixture("eval_text/eval.txt")])
        #expect(result.status == .failure)
        #expect(result.err.hasPrefix("quantize: \(llama)/tokenizer.json: "), "\(result.err)")
        #expect(result.err.filter { $0 == "\n" }.count == 1)
    }

    @Test func optionsOfTheOtherPathAreRefusedByName() throws {
        let folder = try TemporaryFolder()
        let ids = folder.path("ids.npy")
        try Self.writeIDs(to: ids)
        let samples = cli(["eval", llama, "--tokens", ids, "--samples", "10"])
        #expect(samples.status == .usage)
        #expect(samples.err.hasPrefix("quantize: '--samples' cannot be used with 'a transformer checkpoint'"), "\(samples.err)")
        let batch = cli(["eval", fixture("digits/mlp.npz"), "--batch", "4"])
        #expect(batch.status == .usage)
        #expect(batch.err.hasPrefix("quantize: '--batch' cannot be used with 'a model that is not a transformer checkpoint"), "\(batch.err)")
        let none = cli(["eval", llama])
        #expect(none.status == .usage)
        #expect(none.err.hasPrefix("quantize: missing required option '--text FILE or --tokens X.npy'"), "\(none.err)")
        let both = cli(["eval", llama, "--tokens", ids, "--text", ids])
        #expect(both.status == .usage)
    }

    @Test func mismatchedQuantizedOutputIsOneLine() throws {
        let folder = try TemporaryFolder()
        let ids = folder.path("ids.npy")
        try Self.writeIDs(to: ids)
        let output = folder.path("qwen2-int8")
        try #require(cli([qwen2, "-o", output, "--report", "none"]).status == .success)
        let result = cli(["eval", llama, output, "--tokens", ids])
        #expect(result.status == .failure)
        #expect(result.err.hasPrefix("quantize: \(output)"), "\(result.err)")
        #expect(result.err.filter { $0 == "\n" }.count == 1)
    }

    @Test func unknownArchitectureNamesWhatItFound() throws {
        let folder = try TemporaryFolder()
        let model = folder.path("gpt2")
        try FileManager.default.createDirectory(atPath: model, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: llama + "/model.safetensors", toPath: model + "/model.safetensors")
        try Data(#"{"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"]}"#.utf8).write(to: URL(fileURLWithPath: model + "/config.json"))
        let ids = folder.path("ids.npy")
        try Self.writeIDs(to: ids)
        let result = cli(["eval", model, "--tokens", ids])
        #expect(result.status == .failure)
        #expect(result.err.contains("gpt2") && result.err.contains("bert"), "\(result.err)")
        #expect(result.err.filter { $0 == "\n" }.count == 1)
    }
}

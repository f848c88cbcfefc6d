import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// The options of llama-quantize that go with `--type`, end to end on the pure fixture (2
/// layers, ffn_down 96 wide, its own output.weight).
@Suite struct GGUFTypeOptionsTests {
    let input = fixture("gguf/pure/tiny_llama.gguf")

    private func usageError(_ arguments: [String]) -> String {
        let result = cli(arguments)
        #expect(result.status == .usage)
        return result.err
    }

    /// The JSON report's tensor lines of a run that must succeed, by name.
    private func tensors(_ arguments: [String]) throws -> [String: [String: Any]] {
        let result = cli([input] + arguments + ["--report", "json"])
        #expect(result.status == .success, "\(result.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let lines = try #require(report["tensors"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: lines.map { ($0["name"] as! String, $0) })
    }

    @Test func outputAndTokenEmbeddingTypesAreListedAsRequested() throws {
        let folder = try TemporaryFolder()
        let lines = try tensors(["-o", folder.path("o.gguf"), "--type", "Q4_K_M", "--output-tensor-type", "Q8_0",
                                 "--token-embedding-type", "q5_k"])
        #expect(lines["output.weight"]?["typeOut"] as? String == "q8_0")
        #expect(lines["output.weight"]?["choice"] as? String == "output tensor type (requested)")
        #expect(lines["token_embd.weight"]?["typeOut"] as? String == "q5_K")
        #expect(lines["token_embd.weight"]?["choice"] as? String == "token embedding type (requested)")
    }

    @Test func leaveOutputTensorKeepsItsType() throws {
        let folder = try TemporaryFolder()
        let lines = try tensors(["-o", folder.path("o.gguf"), "--type", "Q4_0", "--leave-output-tensor"])
        #expect(lines["output.weight"]?["typeOut"] as? String == "f16")
        #expect(lines["output.weight"]?["choice"] as? String == "output tensor kept (requested)")
    }

    @Test func tensorTypeLayerAndTheFileAreOneOrderedList() throws {
        let folder = try TemporaryFolder()
        let file = folder.path("rules.txt")
        try "blk\\.1\\.attn_v=q5_0\n  attn_q=Q8_0 ".write(toFile: file, atomically: true, encoding: .utf8)
        let lines = try tensors(["-o", folder.path("o.gguf"), "--type", "Q4_K_S", "--layer", "blk\\.0\\.attn_v=q6_k",
                                 "--tensor-type-file", file, "--tensor-type", "attn_v=q4_0"])
        #expect(lines["blk.0.attn_v.weight"]?["typeOut"] as? String == "q6_K")
        #expect(lines["blk.0.attn_v.weight"]?["choice"] as? String == "rule 'blk\\.0\\.attn_v' (requested)")
        #expect(lines["blk.1.attn_v.weight"]?["typeOut"] as? String == "q5_0")
        #expect(lines["blk.0.attn_q.weight"]?["typeOut"] as? String == "q8_0")
    }

    @Test func excludeKeepsTheInputType() throws {
        let folder = try TemporaryFolder()
        let lines = try tensors(["-o", folder.path("o.gguf"), "--type", "Q4_K_M", "--exclude", "attn_q"])
        #expect(lines["blk.1.attn_q.weight"]?["typeOut"] as? String == "f16")
        #expect(lines["blk.1.attn_q.weight"]?["choice"] as? String == "kept in input type (requested)")
    }

    @Test func overrideKVSetsTheOutputsMetadataLast() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("o.gguf")
        _ = try tensors(["-o", output, "--type", "Q8_0", "--override-kv", "tiny.note=str:hello", "--override-kv",
                         "general.name=str:renamed"])
        let metadata = try GGUFSource(path: output).metadata
        #expect(metadata.suffix(2).map { $0.key.description } == ["tiny.note", "general.name"])
        #expect(metadata.last?.value == .string(GGUFString("renamed")))
    }

    @Test func strictRefusesAFallbackAndWritesNothing() throws {
        let folder = try TemporaryFolder()
        let result = cli([input, "-o", folder.path("o.gguf"), "--type", "Q4_K_M", "--strict"])
        #expect(result.status == .failure)
        #expect(result.err.contains("'blk.0.ffn_down.weight': rows of 96 are not a multiple of q4_K's 256; "
            + "strict mode refuses the fallback to q5_0"))
        #expect(try folder.contents().isEmpty)
        #expect(cli([input, "-o", folder.path("o.gguf"), "--type", "F16", "--strict", "--report", "none"]).status == .success)
    }

    @Test func dryRunPrintsThePlanAndWritesNothing() throws {
        let folder = try TemporaryFolder()
        let result = cli([input, "-o", folder.path("o.gguf"), "--type", "Q4_K_M", "--dry-run"])
        #expect(result.status == .success)
        #expect(try folder.contents().isEmpty)
        #expect(result.out.contains("fallback: blk.1.ffn_down.weight: rows of 96 are not a multiple of q6_K's 256; "
            + "q8_0 as llama-quantize falls back (+372 bytes)"))
        #expect(result.out.contains("3 of 23 tensor(s) fell back\n"))
        #expect(result.out.hasSuffix("(general.file_type 15)\ndry run: nothing written\n"))
        let json = cli([input, "-o", folder.path("o.gguf"), "--type", "Q4_K_M", "--dry-run", "--report", "json"])
        #expect(json.out.contains("\"written\" : false") && json.out.contains("\"fallbackCostBytes\" : 372"))
    }

    @Test func wrongValuesGiveOneUsageLine() throws {
        let base = [input, "-o", "out.gguf", "--type", "Q4_K_M"]
        #expect(usageError(base + ["--output-tensor-type", "iq4_nl"]).hasPrefix(
            "quantize: invalid value 'iq4_nl' for '--output-tensor-type': expected a ggml type this tool writes: f32, f16, bf16"))
        #expect(usageError(base + ["--token-embedding-type", "q9"]).hasPrefix(
            "quantize: invalid value 'q9' for '--token-embedding-type'"))
        #expect(usageError(base + ["--tensor-type", "attn_v"]).hasPrefix(
            "quantize: invalid value 'attn_v' for '--tensor-type': expected REGEX=TYPE with TYPE a ggml type"))
        #expect(usageError(base + ["--layer", "attn_v=int8"]).hasPrefix("quantize: invalid value 'attn_v=int8' for '--layer'"))
        #expect(usageError(base + ["--tensor-type", "(=q8_0"]).hasPrefix(
            "quantize: invalid value '(=q8_0' for '--tensor-type': expected a valid regular expression before '='"))
        #expect(usageError(base + ["--override-kv", "k=foo:1"]) == "quantize: invalid value 'k=foo:1' for '--override-kv': "
            + "expected KEY=TYPE:VALUE with TYPE int, float, bool (true or false) or str (at most 127 bytes), "
            + "KEY 1 to 127 bytes and not general.alignment (see 'quantize --help')\n")
        #expect(usageError(base + ["--exclude", "("]).hasPrefix("quantize: invalid value '(' for '--exclude'"))
        #expect(usageError(base + ["--tensor-type-file", "/nonexistent/rules.txt"]).hasPrefix(
            "quantize: invalid value '/nonexistent/rules.txt' for '--tensor-type-file': expected a readable UTF-8 file"))
        #expect(usageError(base + ["--leave-output-tensor", "--output-tensor-type", "q8_0"])
            == "quantize: '--leave-output-tensor' cannot be used with '--output-tensor-type' (see 'quantize --help')\n")
    }
}

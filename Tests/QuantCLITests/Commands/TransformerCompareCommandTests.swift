import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// `quantize eval FOLDER --compare` and `quantize eval FOLDER --method gptq --calibration-tokens`
/// on the tiny random Llama of Fixtures/transformers/llama: each row equals `quantize` then
/// `quantize eval FOLDER OUT`, the table and the JSON hold the same rows, and the refusals.
@Suite struct TransformerCompareCommandTests {
    let llama = fixture("transformers/llama")

    /// The model alone in `folder` (the fixture folder also holds reference `.npy` outputs, which
    /// `quantize FOLDER` would take for weights), with evaluation ids and calibration tokens.
    func setUp(_ folder: TemporaryFolder) throws -> (model: String, ids: String, calibration: String) {
        let model = folder.path("llama")
        try FileManager.default.createDirectory(atPath: model, withIntermediateDirectories: false)
        for name in ["config.json", "model.safetensors"] {
            try FileManager.default.copyItem(atPath: llama + "/" + name, toPath: model + "/" + name)
        }
        try TransformerEvalCommandTests.writeIDs(to: folder.path("ids.npy"))
        try TransformerEvalCommandTests.writeIDs(to: folder.path("calibration.npy"), rows: 8, length: 20)
        return (model, folder.path("ids.npy"), folder.path("calibration.npy"))
    }

    func json(_ arguments: [String]) throws -> [String: Any] {
        let result = cli(["eval"] + arguments + ["--report", "json"])
        try #require(result.status == .success, "\(result.err)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
    }

    /// The stored bytes of the quantized tensors of the `.npz` output folder `output`.
    static func quantizedBytes(_ output: String) throws -> Int {
        var bytes = 0
        for file in try ShardPlan.shards(inFolder: output).shards {
            let archive = try QuantizedArchive(source: openTensorSource(path: file))
            bytes += archive.logicalTensors.compactMap(\.entry).reduce(0) { $0 + archive.storedByteCount(of: $1) }
        }
        return bytes
    }

    func row(_ rows: [[String: Any]], scheme: String, bits: Int, method: String) throws -> [String: Any] {
        try #require(rows.first { $0["scheme"] as? String == scheme && $0["bits"] as? Int == bits && $0["method"] as? String == method })
    }

    @Test func compareRowsEqualQuantizeThenEval() throws {
        let folder = try TemporaryFolder()
        let (model, ids, calibration) = try setUp(folder)
        let comparison = try json([model, "--compare", "--tokens", ids, "--calibration-tokens", calibration])
        let rows = try #require(comparison["rows"] as? [[String: Any]])
        for method in ["rtn", "gptq"] {
            let output = folder.path("out-\(method)")
            let written = cli([model, "-o", output, "--bits", "4", "--format", "npz", "--report", "none", "--method", method]
                              + (method == "gptq" ? ["--calibration-tokens", calibration] : []))
            try #require(written.status == .success, "\(written.err)")
            let report = try json([model, output, "--tokens", ids])
            let row = try row(rows, scheme: "per-channel", bits: 4, method: method)
            #expect(NSDictionary(dictionary: try #require(row["decoder"] as? [String: Any]))
                    == NSDictionary(dictionary: try #require(report["decoder"] as? [String: Any])), "\(method)")
            #expect(row["bytes"] as? Int == (try Self.quantizedBytes(output)), "\(method)")
        }
        // GPTQ in memory (--method gptq without QUANTIZED) is the written GPTQ output too.
        let inMemory = try json([model, "--tokens", ids, "--bits", "4", "--method", "gptq", "--calibration-tokens", calibration])
        #expect((inMemory["quantized"] as? String) == "in memory (per-channel, 4 bits, gptq through the blocks)")
        #expect((inMemory["notes"] as? [String])?.contains { $0.hasPrefix("gptq on 8 calibration sequences (155 tokens)") } == true)
        #expect(NSDictionary(dictionary: try #require(inMemory["decoder"] as? [String: Any]))
                == NSDictionary(dictionary: try #require(try row(rows, scheme: "per-channel", bits: 4, method: "gptq")["decoder"] as? [String: Any])))
    }

    @Test func tableAndJSONListEverySchemeWidthAndMethodInOneOrder() throws {
        let folder = try TemporaryFolder()
        let (model, ids, calibration) = try setUp(folder)
        let arguments = [model, "--compare", "--tokens", ids, "--calibration-tokens", calibration]
        let rows = try #require(try json(arguments)["rows"] as? [[String: Any]])
        let table = cli(["eval"] + arguments)
        try #require(table.status == .success, "\(table.err)")
        // The group schemes do not divide the 172 inputs of down_proj: left out, with a note.
        var expected: Set<String> = []
        for bits in [8, 4, 3, 2] {
            for method in ["rtn", "gptq"] {
                for scheme in ["per-channel", "per-channel-asymmetric"] { expected.insert("\(scheme) \(bits) \(method)") }
            }
        }
        let keys = rows.map { "\($0["scheme"] as! String) \($0["bits"] as! Int) \($0["method"] as! String)" }
        #expect(Set(keys) == expected && keys.count == expected.count)
        #expect(rows.map { $0["bits"] as! Int } == [8, 8, 8, 8, 4, 4, 4, 4, 3, 3, 3, 3, 2, 2, 2, 2])
        let tableKeys = table.out.split(separator: "\n").compactMap { line -> String? in
            let cells = line.split(separator: " ", omittingEmptySubsequences: true)
            // The size takes two cells (`12.1 KiB`).
            guard cells.count == 10, Int(cells[1]) != nil else { return nil }
            return "\(cells[0]) \(cells[1]) \(cells[2])"
        }
        #expect(tableKeys == keys)
        for label in ["group-128", "group-asymmetric-128", "group-32"] {
            #expect(table.out.contains("note: \(label) is left out: group size"), "\(label)")
        }
        // Within each width, the lowest mean KL divergence first.
        for bits in [8, 4, 3, 2] {
            let kl = rows.filter { $0["bits"] as? Int == bits }.map { ($0["decoder"] as! [String: Any])["kl_mean"] as! Double }
            #expect(kl == kl.sorted())
        }
        let perChannel = [8, 4, 2].map { bits in
            rows.first { $0["bits"] as? Int == bits && $0["scheme"] as? String == "per-channel" && $0["method"] as? String == "rtn" }
                .map { ($0["decoder"] as! [String: Any])["kl_mean"] as! Double } ?? .nan
        }
        #expect(perChannel[0] < perChannel[1] && perChannel[1] < perChannel[2], "\(perChannel)")
    }

    @Test func optionsThatDoNotFitAreRefusedInOneLine() throws {
        let folder = try TemporaryFolder()
        let (model, ids, calibration) = try setUp(folder)
        let output = folder.path("out")
        try #require(cli([model, "-o", output, "--format", "npz", "--report", "none"]).status == .success)
        let cases: [([String], String)] = [
            ([model, output, "--compare", "--tokens", ids], "'--compare' cannot be used with '<quantized>'"),
            ([model, output, "--tokens", ids, "--calibration-tokens", calibration], "'--calibration-tokens' cannot be used with '<quantized>'"),
            ([model, "--compare", "--bits", "4", "--tokens", ids], "'--compare' cannot be used with '--bits"),
            ([model, "--compare", "--method", "gptq", "--tokens", ids, "--calibration-tokens", calibration], "'--compare' cannot be used with '--method"),
            ([fixture("digits/mlp.npz"), "--compare", "--calibration-tokens", calibration], "not one model folder with a config.json"),
        ]
        for (arguments, words) in cases {
            let result = cli(["eval"] + arguments)
            #expect(result.status == .usage && result.err.contains(words), "\(arguments): \(result.err)")
            #expect(result.err.filter { $0 == "\n" }.count == 1, "\(result.err)")
        }
    }

    /// AWQ folds its scales into the norms (and v into o): the in-memory evaluation holds the
    /// folded float values beside the quantized weights, so it equals the evaluation of the
    /// written output number for number.
    @Test func awqInMemoryEvaluatesExactlyAsItsWrittenOutput() throws {
        let folder = try TemporaryFolder()
        let (model, ids, calibration) = try setUp(folder)
        let output = folder.path("awq")
        let written = cli([model, "-o", output, "--format", "npz", "--bits", "4", "--method", "awq",
                           "--calibration-tokens", calibration, "--report", "none"])
        try #require(written.status == .success, "\(written.err)")
        let fromFile = try json([model, output, "--tokens", ids])
        let inMemory = try json([model, "--tokens", ids, "--bits", "4", "--method", "awq", "--calibration-tokens", calibration])
        let decoders = try [fromFile, inMemory].map { NSDictionary(dictionary: try #require($0["decoder"] as? [String: Any])) }
        #expect(decoders[0] == decoders[1])
        // The same SQNRs; the in-memory label adds the scales' type the method chose them in
        // (float32, the .npz layout's), which the written file's record leaves implicit.
        let linears = try [fromFile, inMemory].map { report in
            try #require(report["linears"] as? [[String: Any]]).map { line in NSDictionary(dictionary: line.filter { $0.key != "scheme" }) }
        }
        #expect(linears[0] == linears[1] && linears[0].count == 15)
        // lm_head stays in float (only the blocks' Linears are quantized by default).
        let labels = try #require(inMemory["linears"] as? [[String: Any]]).map { ($0["name"] as? String, $0["scheme"] as? String) }
        #expect(labels.allSatisfy { $0.0 == "lm_head" ? $0.1 == "none" : $0.1 == "per-channel (float32 scales)" })
        // Not the round-to-nearest model: AWQ's scales changed the weights.
        let rtn = try json([model, "--tokens", ids, "--bits", "4"])
        #expect(NSDictionary(dictionary: try #require(rtn["decoder"] as? [String: Any])) != decoders[1])
    }
}

import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// `quantize eval` on all-MiniLM-L6-v2: an output `quantize` wrote evaluates exactly as the
/// same scheme quantized in memory.
@Suite(.enabled(if: miniLMAvailable, "all-MiniLM-L6-v2 is not in .cache/ (run python3 Fixtures/minilm/fetch.py); the real-model tests are skipped"))
struct MiniLMEvalTests {
    @Test func writtenFolderEvaluatesExactlyAsTheInMemoryQuantization() throws {
        let folder = try TemporaryFolder()
        let text = folder.path("first32.txt")
        let lines = try String(contentsOfFile: fixture("eval_text/eval.txt"), encoding: .utf8).split(separator: "\n").prefix(32)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: text))
        let output = folder.path("minilm-int4")
        let written = cli([miniLMFolder, "-o", output, "--bits", "4", "--report", "none"])
        try #require(written.status == .success, "\(written.err)")
        var reports: [[String: Any]] = []
        for arguments in [[miniLMFolder, output], [miniLMFolder, "--bits", "4"]] {
            let result = cli(["eval"] + arguments + ["--text", text, "--report", "json"])
            try #require(result.status == .success, "\(result.err)")
            reports.append(try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]))
        }
        let encoders = try reports.map { NSDictionary(dictionary: try #require($0["encoder"] as? [String: Any])) }
        #expect(encoders[0] == encoders[1])
        #expect(encoders[0]["texts"] as? Int == 32)
        #expect(try #require(encoders[0]["cosine_mean"] as? Double) < 1)
        let linears = try reports.map { NSArray(array: try #require($0["linears"] as? [Any])) }
        #expect(linears[0] == linears[1])
        #expect(linears[0].count == 36)
    }

    /// `eval FOLDER --scheme F` (in memory) and `eval FOLDER OUT` of the file `quantize
    /// model.safetensors -o OUT --scheme F` wrote: the same codes, so the same report, sizes
    /// counted as stored (codes, scales, global scales) on both sides.
    @Test(arguments: ["nvfp4", "mxfp4", "mxfp8"])
    func microscaledFileEvaluatesExactlyAsTheInMemoryQuantization(format: String) throws {
        let folder = try TemporaryFolder()
        let text = folder.path("first8.txt")
        let lines = try String(contentsOfFile: fixture("eval_text/eval.txt"), encoding: .utf8).split(separator: "\n").prefix(8)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: text))
        let output = folder.path("\(format).safetensors")
        let written = cli([miniLMFolder + "/model.safetensors", "-o", output, "--scheme", format, "--report", "none"])
        try #require(written.status == .success, "\(written.err)")
        var reports: [[String: Any]] = []
        for arguments in [[miniLMFolder, output], [miniLMFolder, "--scheme", format]] {
            let result = cli(["eval"] + arguments + ["--text", text, "--report", "json"])
            try #require(result.status == .success, "\(result.err)")
            reports.append(try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]))
        }
        let encoders = try reports.map { NSDictionary(dictionary: try #require($0["encoder"] as? [String: Any])) }
        #expect(encoders[0] == encoders[1])
        #expect(try #require(encoders[0]["cosine_mean"] as? Double) < 1)
        let linears = try reports.map { try #require($0["linears"] as? [[String: Any]]) }
        #expect(NSArray(array: linears[0]) == NSArray(array: linears[1]))
        #expect(linears[1].count == 36 && linears[1].allSatisfy { ($0["scheme"] as? String)?.hasPrefix(format + " (E") == true })
        #expect(linears[1].allSatisfy { $0["bits"] as? Int == (format == "mxfp8" ? 8 : 4) })
        let bytes = reports.map { $0["quantized_bytes"] as? Int }
        #expect(bytes[0] != nil && bytes[0] == bytes[1])
        // The file holds the stored bytes and a header.
        let fileSize = try #require(try FileManager.default.attributesOfItem(atPath: output)[.size] as? Int)
        #expect(fileSize > bytes[0]! && fileSize < bytes[0]! + 100_000)
    }
}

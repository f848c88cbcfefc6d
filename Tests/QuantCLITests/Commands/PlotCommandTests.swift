import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// `--plot` on quantize, eval and inspect: the file is written, its `<text>` elements name every
/// tensor, layer or point they should, and the report on stdout is the one a run without it prints.
@Suite struct PlotCommandTests {
    let example = fixture("example/mlp.npz")
    let digits = fixture("digits/mlp.npz")
    let inputs = fixture("digits/test_inputs.npy")
    let labels = fixture("digits/test_labels.npy")

    func run(_ arguments: [String]) throws -> CLIResult {
        let result = cli(arguments)
        try #require(result.status == .success, "\(result.err)")
        return result
    }

    func texts(_ path: String) throws -> [String] {
        try #require(svgTexts(String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)))
    }

    /// The report's JSON object without its timing and output path, which differ between the runs compared.
    func comparableReport(_ out: String) throws -> NSDictionary {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        return object.filter { $0.key != "elapsed_seconds" && $0.key != "output" } as NSDictionary
    }

    @Test func quantizePlotNamesEveryQuantizedTensorAndLeavesTheReportAlone() throws {
        let folder = try TemporaryFolder()
        let plotted = try run([example, "-o", folder.path("a.npz"), "--bits", "4", "--report", "json", "--plot", folder.path("a.svg")])
        let plain = try run([example, "-o", folder.path("b.npz"), "--bits", "4", "--report", "json"])
        #expect(try comparableReport(plotted.out) == comparableReport(plain.out))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(plotted.out.utf8)) as? [String: Any])
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        let quantized = tensors.filter { $0["scheme"] as? String != "none" }
        let words = try texts(folder.path("a.svg"))
        #expect(!quantized.isEmpty)
        for tensor in quantized {
            let name = try #require(tensor["name"] as? String)
            let sqnr = try #require(tensor["sqnr_db"] as? Double)
            #expect(words.contains(name), "\(name)")
            #expect(words.contains(String(format: "%.1f dB", sqnr)), "\(name)")
            #expect(words.contains("\(tensor["scheme"]!), 4-bit"))
        }
        let kept = tensors.count - quantized.count
        #expect(words.contains { $0.hasPrefix("\(kept) tensors kept as they were") })
    }

    @Test func manyTensorsShowTheWorstSixtyWithANote() throws {
        let folder = try TemporaryFolder()
        let tensors = (0 ..< 200).map { index in
            ("blocks.\(index).weight", Tensor(shape: [4, 8], values: (0 ..< 32).map { Float(($0 * (index + 3)) % 17) - 8 }))
        }
        try writeNPZ(tensors, to: folder.path("many.npz"))
        _ = try run([folder.path("many.npz"), "-o", folder.path("many.int8.npz"), "--bits", "3", "--report", "none",
                     "--plot", folder.path("many.svg")])
        let words = try texts(folder.path("many.svg"))
        #expect(words.filter { $0.hasPrefix("blocks.") }.count == 60)
        #expect(words.contains("The worst 60 of 200 quantized tensors; 140 with higher SQNR are not drawn."))
    }

    @Test func markupAndNonASCIINamesAreDrawnAsTheyAre() throws {
        let folder = try TemporaryFolder()
        let names = ["attn.<q>&\"k\"'.weight", "重み.層\u{7F}.weight"]
        try writeNPZ(names.map { ($0, Tensor(shape: [2, 4], values: [1, -2, 3, 0.5, 0.25, -1, 2, 4])) }, to: folder.path("odd.npz"))
        _ = try run([folder.path("odd.npz"), "-o", folder.path("odd.int8.npz"), "--report", "none", "--plot", folder.path("odd.svg")])
        let words = try texts(folder.path("odd.svg"))
        #expect(names.allSatisfy(words.contains), "\(words)")
    }

    @Test func evalPlotNamesEveryLayer() throws {
        let folder = try TemporaryFolder()
        _ = try run(["eval", digits, "--input", inputs, "--labels", labels, "--bits", "4", "--plot", folder.path("layers.svg")])
        let words = try texts(folder.path("layers.svg"))
        for name in ["fc1", "fc2", "fc3", "this layer alone (float inputs)", "cumulative (quantized network up to it)", "output SQNR (dB)"] {
            #expect(words.contains(name), "\(name)")
        }
    }

    @Test func transformerEvalPlotNamesEveryLinearInForwardOrder() throws {
        let folder = try TemporaryFolder()
        let ids = folder.path("ids.npy")
        try TransformerEvalCommandTests.writeIDs(to: ids)
        let result = try run(["eval", fixture("transformers/llama"), "--tokens", ids, "--bits", "4", "--report", "json",
                              "--plot", folder.path("linears.svg")])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let linears = try #require(report["linears"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        let drawn = try texts(folder.path("linears.svg")).filter(linears.contains)
        #expect(!linears.isEmpty && Set(drawn) == Set(linears) && drawn.count == linears.count)
        // Forward order: every name of block k before any of block k + 1.
        let blocks = drawn.map { name in name.split(separator: ".").compactMap { Int($0) }.first ?? Int.max }
        #expect(blocks == blocks.sorted())
    }

    @Test func compareScatterNamesEveryPoint() throws {
        let folder = try TemporaryFolder()
        let result = try run(["eval", digits, "--input", inputs, "--labels", labels, "--compare", "--report", "json",
                              "--plot", folder.path("compare.svg")])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [[String: Any]])
        let words = try texts(folder.path("compare.svg"))
        #expect(rows.count == 32)
        for (index, row) in rows.enumerated() {
            let label = "\(index + 1). \(row["scheme"]!), \(row["bits"]!)-bit, \(row["method"]!): "
            #expect(words.contains { $0.hasPrefix(label) }, "\(label)")
        }
        #expect(words.contains { $0.hasSuffix(" *") })
    }

    @Test func inspectTensorPlotDrawsTheGridAndTheError() throws {
        let folder = try TemporaryFolder()
        let plain = try run(["inspect", example])
        let plotted = try run(["inspect", example, "--tensor", "fc2.weight", "--plot", folder.path("fc2.html")])
        #expect(plotted.out == plain.out)
        let words = try texts(folder.path("fc2.html"))
        let values = try #require(loadAll(example)["fc2.weight"]?.floatValues())
        let largest = Double(values.map(abs).max()!)
        #expect(words.contains("Values of fc2.weight on the symmetric, 8-bit, per tensor grid"))
        #expect(words.contains("grid levels (255)"))
        // The restricted symmetric range: the outermost levels are ±max|x|.
        #expect(words.contains("clipping range [\(String(format: "%.4g", -largest)), \(String(format: "%.4g", largest))]"))
        #expect(words.contains(String(format: "±s/2 = ±%.4g", largest / 127 / 2)))
    }

    @Test func inspectTensorPlotHonoursBitsAndAsymmetry() throws {
        let folder = try TemporaryFolder()
        _ = try run(["inspect", example, "--tensor", "fc1.weight", "--scheme", "asymmetric", "--bits", "3",
                     "--plot", folder.path("fc1.svg")])
        let words = try texts(folder.path("fc1.svg"))
        #expect(words.contains("grid levels (8)"))
        #expect(words.contains("Values of fc1.weight on the asymmetric, 3-bit, per tensor grid"))
    }

    @Test(arguments: [
        (["quantize", "IN.npz", "-o", "OUT.npz", "--plot", "p.png"], "invalid value 'p.png' for '--plot'"),
        (["inspect", "IN.npz", "--tensor", "w"], "'--tensor' requires '--plot'"),
        (["inspect", "IN.npz", "--plot", "p.svg"], "'--plot' requires '--tensor NAME or --original FLOAT'"),
        (["inspect", "IN.npz", "--original", "F.npz"], "'--original' requires '--plot'"),
        (["inspect", "IN.npz", "--original", "F.npz", "--tensor", "w", "--plot", "p.svg"], "'--original' cannot be used with '--tensor'"),
        (["quantize", "IN.gguf", "-o", "OUT.gguf", "--type", "q8_0", "--plot", "p.svg"], "'--plot' cannot be used with '--type"),
        (["quantize", "IN.npz", "-o", "OUT.npz", "--dry-run", "--plot", "p.svg"], "'--plot' cannot be used with '--dry-run"),
    ])
    func plotMisuseIsOneUsageLine(arguments: [String], message: String) {
        let result = cli(arguments)
        #expect(result.status == .usage)
        #expect(result.err.contains(message), "\(result.err)")
        #expect(result.err.split(separator: "\n").count == 1)
    }

    /// `inspect QUANTIZED --original FLOAT --plot`: the SQNR the quantizing run reported, measured
    /// again from the written file (.npz and compressed-tensors safetensors) and drawn per tensor.
    @Test(arguments: ["npz", "safetensors"])
    func inspectAgainstTheOriginalDrawsTheRunsSQNR(format: String) throws {
        let folder = try TemporaryFolder()
        let output = folder.path("q." + format)
        let report = try #require(try JSONSerialization.jsonObject(
            with: Data(try run([example, "-o", output, "--bits", "4", "--report", "json"]).out.utf8)) as? [String: Any])
        let quantized = try #require(report["tensors"] as? [[String: Any]]).filter { $0["scheme"] as? String != "none" }
        let inspected = try run(["inspect", output, "--original", example, "--plot", folder.path("q.svg")])
        #expect(inspected.out == cli(["inspect", output]).out)
        let words = try texts(folder.path("q.svg"))
        #expect(!quantized.isEmpty)
        for tensor in quantized {
            let name = try #require(tensor["name"] as? String)
            let sqnr = try #require(tensor["sqnr_db"] as? Double)
            #expect(words.contains(name) && words.contains(String(format: "%.1f dB", sqnr)), "\(name)")
        }
    }

    @Test func inspectAgainstAnOriginalWithoutTheTensorIsRefused() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("q.npz")
        _ = try run([example, "-o", output, "--report", "none"])
        let result = cli(["inspect", output, "--original", digits, "--plot", folder.path("q.svg")])
        #expect(result.status == .failure)
        // The digits MLP's fc1.weight is 64x64; the example's, quantized, 128x64.
        #expect(result.err.contains("'fc1.weight': is (64, 64) in the float tensors given, but (128, 64) quantized"), "\(result.err)")
        #expect(result.err.split(separator: "\n").count == 1)
        #expect(try folder.contents() == ["q.npz"])
    }

    @Test func failedRunsLeaveNoPlot() throws {
        let folder = try TemporaryFolder()
        let result = cli(["inspect", example, "--tensor", "no.such.tensor", "--plot", folder.path("p.svg")])
        #expect(result.status == .failure)
        #expect(result.err.contains("no.such.tensor"))
        #expect(try folder.contents().isEmpty)
    }
}

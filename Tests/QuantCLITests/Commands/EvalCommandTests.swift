import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// `quantize eval` on the shipped digits classifier and on hand-made broken inputs.
@Suite struct EvalCommandTests {
    let model = fixture("digits/mlp.npz")
    let inputs = fixture("digits/test_inputs.npy")
    let labels = fixture("digits/test_labels.npy")

    /// The JSON object (or list) `eval` printed.
    func evalJSON(_ arguments: [String]) throws -> Any {
        let result = cli(["eval"] + arguments + ["--report", "json"])
        try #require(result.status == .success, "\(result.err)")
        return try JSONSerialization.jsonObject(with: Data(result.out.utf8))
    }

    func evalObject(_ arguments: [String]) throws -> [String: Any] {
        try #require(try evalJSON(arguments) as? [String: Any])
    }

    /// The float accuracy the training script reported.
    func reportedAccuracy() throws -> Double {
        let card = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture("digits/model.json"))))
        return try #require((card as? [String: Any])?["accuracy_fp32"] as? Double)
    }

    @Test func floatAccuracyIsWhatTheTrainingScriptReported() throws {
        let report = try evalObject([model, "--input", inputs, "--labels", labels])
        #expect(report["accuracy_fp32"] as? Double == (try reportedAccuracy()))
        #expect(report["samples"] as? Int == 450)
    }

    @Test func eightBitPerChannelIsWithinHalfAPointAndAgreesOnAtLeast99Percent() throws {
        let report = try evalObject([model, "--input", inputs, "--labels", labels, "--scheme", "per-channel", "--bits", "8"])
        let float = try #require(report["accuracy_fp32"] as? Double)
        let quantized = try #require(report["accuracy_quantized"] as? Double)
        #expect(abs(quantized - float) <= 0.005)
        #expect(try #require(report["agreement"] as? Double) >= 0.99)
        #expect(report["accuracy_delta"] as? Double == quantized - float)
    }

    @Test func jsonFieldsExistAndMatchTheTable() throws {
        let arguments = [model, "--input", inputs, "--labels", labels, "--scheme", "asymmetric", "--bits", "4"]
        let report = try evalObject(arguments)
        for key in ["samples", "agreement", "output_mse", "max_abs_error", "cosine", "accuracy_fp32", "accuracy_quantized", "layers",
                    "sqnr_db", "float_bytes", "quantized_bytes", "compression", "int8_vs_dequant"] {
            #expect(report[key] != nil, "missing \(key)")
        }
        let table = cli(["eval"] + arguments).out
        func line(_ label: String) -> String? { table.split(separator: "\n").first { $0.hasPrefix(label) }.map(String.init) }
        let agreement = try #require(report["agreement"] as? Double)
        #expect(line("agreement (top-1)")?.hasSuffix(String(format: "%.2f%%", 100 * agreement)) == true)
        let accuracy = try #require(report["accuracy_quantized"] as? Double)
        #expect(line("accuracy quantized")?.contains(String(format: "%.2f%%", 100 * accuracy)) == true)
        let mse = try #require(report["output_mse"] as? Double)
        #expect(line("output MSE")?.hasSuffix(String(format: "%.4e", mse)) == true)
        let layers = try #require(report["layers"] as? [[String: Any]])
        #expect(layers.map { $0["name"] as? String } == ["fc1", "fc2", "fc3"])
        for layer in layers {
            let name = try #require(layer["name"] as? String)
            let alone = try #require(layer["sqnr_alone_db"] as? Double)
            #expect(line(name + " ")?.contains(String(format: "%.2f", alone)) == true)
            #expect(layer["scheme"] as? String == "asymmetric" && layer["bits"] as? Int == 4)
        }
    }

    @Test func perChannelBeatsPerTensorOnMSEAtFourBitsAndBelow() throws {
        // Without calibration: round to nearest with min-max (rtn) and with MSE clipping (rtn+mse).
        let rows = try #require(try evalJSON([model, "--input", inputs, "--labels", labels, "--compare"]) as? [[String: Any]])
        #expect(rows.count == 32)
        #expect(Set(rows.compactMap { $0["method"] as? String }) == ["rtn", "rtn+mse"])
        func mse(_ scheme: String, _ bits: Int) throws -> Double {
            try #require(rows.first { $0["method"] as? String == "rtn" && $0["scheme"] as? String == scheme
                && $0["bits"] as? Int == bits }?["output_mse"] as? Double)
        }
        for bits in [4, 3, 2] {
            #expect(try mse("per-channel", bits) < mse("symmetric", bits), "\(bits) bits")
            #expect(try mse("per-channel-asymmetric", bits) < mse("asymmetric", bits), "\(bits) bits")
        }
        // Grouped by width, best first within each width.
        #expect(rows.map { $0["bits"] as? Int } == [8, 4, 3, 2].flatMap { Array(repeating: $0, count: 8) })
        for group in stride(from: 0, to: 32, by: 8) {
            let accuracies = rows[group ..< group + 8].compactMap { $0["accuracy"] as? Double }
            #expect(accuracies == accuracies.sorted(by: >))
        }
    }

    @Test func compareTableListsEveryMethodSchemeAndWidth() {
        let result = cli(["eval", model, "--input", inputs, "--labels", labels, "--compare"])
        #expect(result.status == .success)
        let lines = result.out.split(separator: "\n")
        #expect(lines.first?.hasPrefix("method") == true)
        for method in ["rtn", "rtn+mse"] {
            for scheme in QuantScheme.names {
                #expect(lines.filter { $0.hasPrefix(method + " ") && $0.contains(" " + scheme + " ") }.count == 4, "\(method) \(scheme)")
            }
        }
    }

    @Test(arguments: QuantScheme.names)
    func int8AndDequantPathsAgreeAsTheMathPredicts(scheme: String) throws {
        let report = try evalObject([model, "--input", inputs, "--labels", labels, "--scheme", scheme, "--compute", "int8"])
        #expect(report["compute"] as? String == "int8")
        let check = try #require(report["int8_vs_dequant"] as? [String: Any])
        #expect(try #require(check["max_bound_ratio"] as? Double) <= 1)
        #expect(try #require(check["agreement"] as? Double) >= 0.99)
        let dequant = try evalObject([model, "--input", inputs, "--labels", labels, "--scheme", scheme])
        let a = try #require(report["accuracy_quantized"] as? Double)
        let b = try #require(dequant["accuracy_quantized"] as? Double)
        #expect(abs(a - b) <= 0.01)
    }

    @Test func archiveGivesTheSameNumbersAsQuantizingInMemory() throws {
        let folder = try TemporaryFolder()
        let archive = folder.path("mlp.int8.npz")
        #expect(cli([model, "-o", archive, "--scheme", "per-channel-asymmetric", "--bits", "4"]).status == .success)
        var fromArchive = try evalObject([model, archive, "--input", inputs, "--labels", labels])
        var inMemory = try evalObject([model, "--input", inputs, "--labels", labels, "--scheme", "per-channel-asymmetric", "--bits", "4"])
        #expect(fromArchive["quantized"] as? String == archive)
        fromArchive["quantized"] = nil
        inMemory["quantized"] = nil
        #expect(NSDictionary(dictionary: fromArchive).isEqual(to: inMemory))
    }

    @Test func randomInputsAreSeededAndReportAgreementWithoutLabels() throws {
        let first = try evalObject([model, "--samples", "64", "--seed", "5", "--bits", "3"])
        let again = try evalObject([model, "--samples", "64", "--seed", "5", "--bits", "3"])
        let other = try evalObject([model, "--samples", "64", "--seed", "6", "--bits", "3"])
        #expect(first["samples"] as? Int == 64)
        #expect(first["accuracy_fp32"] is NSNull && first["accuracy_quantized"] is NSNull)
        #expect(first["output_mse"] as? Double == again["output_mse"] as? Double)
        #expect(first["output_mse"] as? Double != other["output_mse"] as? Double)
    }

    /// The textbook's 784-512-512-10 MLP on random inputs: agreement is measured, not assumed.
    @Test func textbookMLPReportsItsAgreementAndCompression() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("textbook.npz")
        var random = SplitMix64(seed: 42)
        var tensors: [(String, Tensor)] = []
        for (index, (inFeatures, outFeatures)) in [(784, 512), (512, 512), (512, 10)].enumerated() {
            let bound = 1 / Float(inFeatures).squareRoot()
            let weight = (0 ..< outFeatures * inFeatures).map { _ in Float.random(in: -bound ... bound, using: &random) }
            let bias = (0 ..< outFeatures).map { _ in Float.random(in: -bound ... bound, using: &random) }
            tensors += [("fc\(index + 1).weight", Tensor(shape: [outFeatures, inFeatures], values: weight)),
                        ("fc\(index + 1).bias", Tensor(shape: [outFeatures], values: bias))]
        }
        try writeNPZ(tensors, to: path)
        let report = try evalObject([path, "--samples", "32"])
        let agreement = try #require(report["agreement"] as? Double)
        #expect((0 ... 1).contains(agreement))
        #expect(try #require(report["compression"] as? Double) >= 3.9)
        #expect(try #require(report["cosine"] as? Double) > 0.99)
    }

    // MARK: - Bad input

    /// Runs eval, expecting failure with `status` and a one-line message containing `text`.
    func expectFailure(_ arguments: [String], status: CLI.ExitStatus = .failure, containing text: String) {
        let result = cli(["eval"] + arguments)
        #expect(result.status == status)
        #expect(result.err.contains(text), "\(result.err)")
        #expect(result.err.filter { $0 == "\n" }.count == 1)
    }

    @Test func layersThatDoNotChainAreRefusedWithTheChain() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("broken.npz")
        try writeNPZ([("fc1.weight", Tensor(shape: [4, 3], values: .init(repeating: 0.5, count: 12))),
                      ("fc2.weight", Tensor(shape: [2, 5], values: .init(repeating: 0.5, count: 10)))], to: path)
        expectFailure([path], containing: "the layers do not chain: fc1 (3 -> 4), fc2 (5 -> 2); 'fc2' takes 5 inputs but 'fc1' gives 4")
    }

    @Test func inputsOfTheWrongWidthOrDtypeAreRefused() throws {
        let folder = try TemporaryFolder()
        try writeNPZ([("x", Tensor(shape: [3, 10], values: .init(repeating: 1, count: 30)))], to: folder.path("wide.npz"))
        expectFailure([model, "--input", folder.path("wide.npz")], containing: "inputs are float32 (3, 10); the model needs a floating [N, 64] array")
        try writeNPZ([("x", try Tensor(dtype: .int32, shape: [1, 64], bytes: .init(repeating: 0, count: 256)))], to: folder.path("ints.npz"))
        expectFailure([model, "--input", folder.path("ints.npz")], containing: "inputs are int32 (1, 64)")
    }

    @Test func nanInTheInputsIsRefusedWithItsIndex() throws {
        let folder = try TemporaryFolder()
        var values = [Float](repeating: 0.25, count: 2 * 64)
        values[64 + 3] = .nan
        try writeNPZ([("x", Tensor(shape: [2, 64], values: values))], to: folder.path("nan.npz"))
        expectFailure([model, "--input", folder.path("nan.npz")], containing: "NaN at index [1, 3]")
    }

    @Test func labelsOfTheWrongLengthOrOutOfRangeAreRefused() throws {
        let folder = try TemporaryFolder()
        func int64s(_ values: [Int64]) throws -> Tensor {
            try Tensor(dtype: .int64, shape: [values.count], bytes: values.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) })
        }
        try writeNPZ([("y", try int64s([1, 2, 3]))], to: folder.path("short.npz"))
        expectFailure([model, "--input", inputs, "--labels", folder.path("short.npz")],
                      containing: "labels are int64 (3,); expected an integer array of 450 labels")
        try writeNPZ([("y", try int64s([Int64](repeating: 1, count: 449) + [10]))], to: folder.path("range.npz"))
        expectFailure([model, "--input", inputs, "--labels", folder.path("range.npz")],
                      containing: "label 10 at index 449 is outside 0...9")
    }

    @Test func archiveThatDoesNotMatchTheModelIsRefused() throws {
        let folder = try TemporaryFolder()
        let other = folder.path("other.npz")
        try writeNPZ([("fc1.weight", Tensor(shape: [64, 64], values: .init(repeating: 0.5, count: 4096)))], to: other)
        expectFailure([model, other, "--input", inputs], containing: "does not match the model: it has no floating or quantized 'fc1.bias'")
        let partial = folder.path("partial.npz")
        try writeNPZ([("fc2.weight", Tensor(shape: [32, 64], values: .init(repeating: 0.5, count: 2048)))], to: partial)
        expectFailure([model, partial], containing: "does not match the model: it has no floating or quantized 'fc1.weight'")
        let reshaped = folder.path("reshaped.npz")
        try writeNPZ([("fc1.weight", Tensor(shape: [32, 64], values: .init(repeating: 0.5, count: 2048)))], to: reshaped)
        #expect(cli([reshaped, "-o", folder.path("reshaped.int8.npz")]).status == .success)
        expectFailure([model, folder.path("reshaped.int8.npz")],
                      containing: "does not match the model: 'fc1.weight' is (32, 64) here but (64, 64) in the model")
    }

    @Test func archiveGivenAsTheModelIsExplained() throws {
        let folder = try TemporaryFolder()
        let archive = folder.path("mlp.int8.npz")
        #expect(cli([model, "-o", archive]).status == .success)
        expectFailure([archive], containing: "this is a quantized archive, not a float model; evaluate it as 'quantize eval MODEL ARCHIVE'")
    }

    @Test func conflictingOptionsAreUsageErrors() {
        expectFailure([model, "x.npz", "--compare"], status: .usage, containing: "'--compare' cannot be used with '<quantized>'")
        expectFailure([model, "x.npz", "--bits", "4"], status: .usage, containing: "'--bits' cannot be used with '<quantized>'")
        expectFailure([model, "--labels", labels], status: .usage, containing: "'--labels' requires '--input'")
        expectFailure([model, "--input", inputs, "--samples", "5"], status: .usage, containing: "'--input' cannot be used with '--samples'")
        expectFailure([model, "--activation", "swish"], status: .usage, containing: "expected one of relu, gelu, tanh, sigmoid, none")
    }
}

import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// GPTQ, AWQ and clipping on the shipped digits classifier, calibrated on its training split
/// (`calibration_inputs.npy`) and measured on its test split.
@Suite struct MethodsOnDigitsTests {
    let model = fixture("digits/mlp.npz")
    let inputs = fixture("digits/test_inputs.npy")
    let labels = fixture("digits/test_labels.npy")
    let calibration = fixture("digits/calibration_inputs.npy")

    func evaluate(_ options: [String]) throws -> (accuracy: Double, float: Double, outputMSE: Double, bytes: Int) {
        let result = cli(["eval", model, "--input", inputs, "--labels", labels, "--report", "json"] + options)
        try #require(result.status == .success, "\(result.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        return (try #require(report["accuracy_quantized"] as? Double), try #require(report["accuracy_fp32"] as? Double),
                try #require(report["output_mse"] as? Double), try #require(report["quantized_bytes"] as? Int))
    }

    /// The goals: at 3 bits within half a point of float, at 2 bits at least 95%, with
    /// per-channel scales and no groups (the storage of min-max).
    @Test func gptqReachesTheAccuracyGoalsAtThreeAndTwoBits() throws {
        let three = try evaluate(["--bits", "3", "--scheme", "per-channel-asymmetric", "--method", "gptq", "--calibration", calibration])
        #expect(three.accuracy >= three.float - 0.005, "3 bits: \(three.accuracy) vs float \(three.float)")
        let two = try evaluate(["--bits", "2", "--scheme", "per-channel", "--method", "gptq", "--calibration", calibration])
        #expect(two.accuracy >= 0.95, "2 bits: \(two.accuracy)")
    }

    /// GPTQ and AWQ never lose to round-to-nearest with min-max scales in output MSE on the test
    /// rows, at the same size, for every scheme at 4, 3 and 2 bits.
    @Test(arguments: ["gptq", "awq"], [4, 3, 2])
    func methodsAreAtLeastAsGoodAsRoundToNearest(method: String, bits: Int) throws {
        for scheme in QuantScheme.names {
            let plain = try evaluate(["--bits", "\(bits)", "--scheme", scheme])
            let better = try evaluate(["--bits", "\(bits)", "--scheme", scheme, "--method", method, "--calibration", calibration])
            #expect(better.bytes == plain.bytes, "\(scheme)")
            #expect(better.outputMSE <= plain.outputMSE * (1 + 1e-9), "\(method) \(scheme) \(bits) bits: \(better.outputMSE) vs \(plain.outputMSE)")
        }
    }

    @Test func methodsWithoutCalibrationAreUsageErrors() {
        for method in ["gptq", "awq"] {
            let result = cli([model, "-o", "unused.npz", "--method", method])
            #expect(result.status == .usage)
            #expect(result.err.contains("'--method \(method)' requires '--calibration"))
        }
        let stray = cli(["eval", model, "--calibration", calibration])
        #expect(stray.status == .usage)
        #expect(stray.err.contains("'--calibration' requires '--method gptq or --method awq"))
    }

    /// What `quantize --method gptq` writes is what `eval` measured in memory, and the metadata
    /// says which method chose the codes.
    @Test func gptqArchiveEvaluatesAsInMemory() throws {
        let folder = try TemporaryFolder()
        let archive = folder.path("gptq.npz")
        let options = ["--bits", "3", "--scheme", "per-channel-asymmetric", "--method", "gptq", "--calibration", calibration]
        #expect(cli([model, "-o", archive, "--report", "none"] + options).status == .success)
        let inMemory = try evaluate(options)
        let result = cli(["eval", model, archive, "--input", inputs, "--labels", labels, "--report", "json"])
        try #require(result.status == .success, "\(result.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        #expect(report["accuracy_quantized"] as? Double == inMemory.accuracy)
        #expect(report["output_mse"] as? Double == inMemory.outputMSE)
        let metadata = try ArchiveMetadata.decode(try #require(try loadAll(archive)[NPZLayout.metadataName]).bytes)
        #expect(metadata.tensors.map(\.method) == ["gptq", "gptq", "gptq"])
    }
}

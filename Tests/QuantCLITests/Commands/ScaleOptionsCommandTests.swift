import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// `--symmetric-range full` and `--scale-dtype` end to end: the help, the refusals (exact
/// words), and what quantize, inspect, dequantize and eval make of the output.
@Suite struct ScaleOptionsCommandTests {
    let digits = fixture("digits/mlp.npz")

    @Test func helpListsBothOptionsWithTheirValues() {
        // The help wraps its lines; compare the words.
        let help = cli(["quantize", "--help"]).out.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("--symmetric-range <R>") && help.contains("(values: restricted, full) (default: restricted)"))
        #expect(help.contains("--scale-dtype <T>") && help.contains("(values: float16, bfloat16, float32)"))
        #expect(cli(["eval", "--help"]).out.contains("--symmetric-range <R>"))
    }

    @Test(arguments: [
        (["--scheme", "asymmetric"],
         "'--symmetric-range full' cannot be used with '--scheme asymmetric (an asymmetric scheme already uses all 2^b codes)'"),
        (["--layer", "fc2=per-channel-asymmetric:4"],
         "'--symmetric-range full' cannot be used with '--layer fc2=per-channel-asymmetric:4 (an asymmetric scheme already uses all 2^b codes)'"),
        (["--clip", "mse"],
         "'--symmetric-range full' cannot be used with '--clip mse (the mse clipping search shrinks the range, so no element maps to -2^(b-1))'"),
        (["--scale-rule", "compressed-tensors"],
         "'--symmetric-range full' cannot be used with '--scale-rule compressed-tensors (the compressed-tensors scale rule has its own symmetric scale, max|x| / ((2^b - 1) / 2))'"),
    ])
    func fullRangeConflictsAreUsageErrors(options: [String], message: String) {
        let result = cli([digits, "-o", "/nonexistent/x.npz", "--symmetric-range", "full"] + options)
        #expect(result.status == .usage)
        #expect(result.err == "quantize: \(message) (see 'quantize --help')\n")
    }

    @Test func scaleTypeConflictsAndBadValuesAreUsageErrors() {
        let rule = cli([digits, "-o", "/nonexistent/x.npz", "--scale-dtype", "float16", "--scale-rule", "compressed-tensors"])
        #expect(rule.status == .usage)
        #expect(rule.err.hasPrefix("quantize: '--scale-dtype float16' cannot be used with '--scale-rule compressed-tensors"))
        let bad = cli([digits, "-o", "/nonexistent/x.npz", "--scale-dtype", "float64"])
        #expect(bad.status == .usage && bad.err.contains("expected one of float16, bfloat16, float32"))
        let range = cli([digits, "-o", "/nonexistent/x.npz", "--symmetric-range", "wide"])
        #expect(range.status == .usage && range.err.contains("expected one of restricted, full"))
    }

    @Test func evalCompareRefusesWhatItsSchemesWouldNotUse() {
        let full = cli(["eval", digits, "--compare", "--symmetric-range", "full"])
        #expect(full.status == .usage)
        #expect(full.err.hasPrefix("quantize: '--compare' cannot be used with '--symmetric-range full (the comparison's schemes use the restricted range)'"))
        let half = cli(["eval", digits, "--compare", "--scale-dtype", "float16"])
        #expect(half.status == .usage && half.err.contains("'--scale-dtype float16 (the comparison's schemes keep float32 scales)'"))
        let quantized = cli(["eval", digits, digits, "--symmetric-range", "full"])
        #expect(quantized.status == .usage && quantized.err.contains("'--symmetric-range' cannot be used with '<quantized>'"))
    }

    @Test func aFullRangeFloat16ArchiveReadsBackEverywhere() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("full.npz")
        let run = cli([digits, "-o", output, "--bits", "4", "--group-size", "16", "--symmetric-range", "full",
                       "--scale-dtype", "float16", "--report", "json"])
        try #require(run.status == .success, "\(run.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        let fc1 = try #require((report["tensors"] as? [[String: Any]])?.first { $0["name"] as? String == "fc1.weight" })
        #expect(fc1["scheme"] as? String == "group (full range, float16 scales)")
        #expect(fc1["bytes_after"] as? Int == 64 * 32 + 2 * 64 * 4, "packed codes and two bytes per scale")
        let tensors = try loadAll(output)
        let scales = try #require(tensors["fc1.weight_scale"])
        #expect(scales.dtype == .float16 && scales.floatValues()!.contains { $0 < 0 })

        let inspect = cli(["inspect", output])
        #expect(inspect.status == .success && inspect.out.contains("consistent"))
        #expect(inspect.out.contains("group (full range, float16 scales)"))

        let restored = folder.path("restored.npz")
        #expect(cli(["dequantize", output, "-o", restored]).status == .success)
        let archive = try QuantizedArchive(source: openTensorSource(path: output))
        let quantized = try archive.loadQuantized(try #require(archive.metadata?.tensors.first))
        #expect(quantized.codes.contains(UInt8(bitPattern: -8)))
        #expect(try loadAll(restored)["fc1.weight"]?.floatValues() == quantized.dequantized())

        let eval = cli(["eval", digits, output, "--input", fixture("digits/test_inputs.npy")])
        #expect(eval.status == .success && eval.out.contains("group (full range, float16 scales)"))
    }

    @Test func gptqAndAWQRunOnTheFullRange() throws {
        let folder = try TemporaryFolder()
        for method in ["gptq", "awq"] {
            let output = folder.path("\(method).npz")
            let run = cli([digits, "-o", output, "--bits", "4", "--symmetric-range", "full", "--method", method,
                           "--calibration", fixture("digits/calibration_inputs.npy")])
            try #require(run.status == .success, "\(method): \(run.err)")
            #expect(run.out.contains("per-channel (full range)"))
            let inspect = cli(["inspect", output])
            #expect(inspect.status == .success && inspect.out.contains("consistent"), "\(method): \(inspect.out)")
        }
    }

    @Test(arguments: ["pack", "int"])
    func compressedTensorsHoldsTheFullRangeButOnlyTheWeightsScaleType(format: String) throws {
        let folder = try TemporaryFolder()
        let input = fixture("compressed_tensors/digits-float.safetensors")
        let output = folder.path("full.safetensors")
        let run = cli([input, "-o", output, "--ct-format", format, "--bits", "4", "--symmetric-range", "full"])
        try #require(run.status == .success, "\(run.err)")
        let inspect = cli(["inspect", output])
        #expect(inspect.status == .success && inspect.out.contains("per-channel (full range)"), "\(inspect.out)")
        let refused = cli([input, "-o", folder.path("half.safetensors"), "--ct-format", format, "--scale-dtype", "float16"])
        #expect(refused.status == .failure)
        #expect(refused.err.contains("its scales would be float16, where compressed-tensors loaders make a float32 weight's scales float32"))
    }
}

import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// compressed-tensors' own FP8 checkpoints (`Fixtures/fp8/library_written_fp8.py`) as the float
/// weights a command starts from: read through their `quantization_config`, their values are the
/// library's decompression, so quantizing them again gives what quantizing that decompression
/// gives; FP8 with a scale but no config, and integer codes, are refused in one line.
@Suite struct FP8RequantizeTests {
    static let kinds = ["tensor", "channel", "block"].map { "digits-fp8-\($0)" } + ["edge-fp8-partialblock"]

    @Test(arguments: kinds)
    func anFP8CheckpointReadsAsTheLibrarysDecompression(kind: String) throws {
        let source = try openFloatTensorSource(path: fixture("fp8/library/\(kind)/model.safetensors"))
        let library = try loadAll(fixture("fp8/library-decompressed/\(kind).npz"))
        #expect(Set(source.tensors.map(\.name)) == Set(library.keys))
        for (name, tensor) in library {
            #expect(try source.load(name) == tensor, "\(kind): \(name)")
        }
    }

    @Test(arguments: kinds)
    func requantizingAnFP8CheckpointEqualsQuantizingItsValues(kind: String) throws {
        let folder = try TemporaryFolder()
        let (fromFP8, fromFloat) = (folder.path("from-fp8.npz"), folder.path("from-float.npz"))
        let options = ["--scheme", "per-channel", "--bits", "4"]
        let result = cli([fixture("fp8/library/\(kind)/model.safetensors"), "-o", fromFP8] + options)
        #expect(result.status == .success, "\(result.err)")
        #expect(result.out.contains("note: read dequantized from what the input stores") && result.out.contains("fc1.weight (fp8"),
                "\(result.out)")
        #expect(cli([fixture("fp8/library-decompressed/\(kind).npz"), "-o", fromFloat, "--report", "none"] + options).status == .success)
        let (ours, reference) = (try loadAll(fromFP8), try loadAll(fromFloat))
        #expect(Set(ours.keys) == Set(reference.keys))
        for (name, tensor) in reference where name != NPZLayout.metadataName {
            #expect(ours[name] == tensor, "\(kind): \(name)")
        }
    }

    @Test func anFP8TensorWithAScaleButNoConfigIsRefused() throws {
        let folder = try TemporaryFolder()
        let input = folder.path("model.safetensors")
        try FileManager.default.copyItem(atPath: fixture("fp8/library/digits-fp8-channel/model.safetensors"), toPath: input)
        let output = folder.path("out.npz")
        let result = cli([input, "-o", output])
        #expect(result.status != .success)
        #expect(result.err == "quantize: \(input): 'fc1.weight': is FP8 with 'fc1.weight_scale' beside it, but the file has no "
            + "quantize record and no compressed-tensors quantization_config in a config.json beside it, so how the scale "
            + "applies is unknown\n", "\(result.err)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func integerCodesAreNotQuantizedAgain() throws {
        let folder = try TemporaryFolder()
        let (int8, again) = (folder.path("int8.npz"), folder.path("again.npz"))
        #expect(cli([fixture("compressed_tensors/digits-float.safetensors"), "-o", int8, "--report", "none"]).status == .success)
        let result = cli([int8, "-o", again, "--bits", "4"])
        #expect(result.status != .success)
        #expect(result.err.hasPrefix("quantize: \(int8): 'fc1.weight': is already quantized (8-bit ") && result.err.contains("rounds the weights twice"),
                "\(result.err)")
        #expect(result.err.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: again))
    }
}

import Foundation
import QuantKit
import Testing

@testable import QuantCLI

@Suite struct InspectAndDequantizeTests {
    let example = fixture("example/mlp.npz")

    /// Quantizes the example into `folder` with `options`, returning the archive's path.
    func quantizedExample(in folder: TemporaryFolder, _ options: [String] = []) throws -> String {
        let output = folder.path("archive.npz")
        let result = cli([example, "-o", output] + options)
        try #require(result.status == .success, "\(result.err)")
        return output
    }

    @Test func inspectListsQuantizedTensorsWithTheirSchemeAndScales() throws {
        let folder = try TemporaryFolder()
        let archive = try quantizedExample(in: folder, ["--layer", "fc2=per-channel-asymmetric:6"])
        let result = cli(["inspect", archive])
        #expect(result.status == .success)
        #expect(result.out.contains("written by quantize \(QuantKitVersion.current)"))
        let fc2 = try #require(result.out.split(separator: "\n").first { $0.hasPrefix("fc2.weight ") })
        #expect(fc2.contains("uint8") && fc2.contains("per-channel-asymmetric") && fc2.contains(" 6 "))
        #expect(!result.out.contains("fc2.weight_scale"), "scales are folded into their tensor")
        #expect(result.out.contains("8 tensors, 3 quantized"))
        #expect(result.out.contains("consistent"))
    }

    @Test func inspectJSONReportsScaleRangeAndBytes() throws {
        let folder = try TemporaryFolder()
        let archive = try quantizedExample(in: folder)
        let result = cli(["inspect", archive, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        #expect((object["problems"] as? [Any])?.isEmpty == true)
        let tensors = try #require(object["tensors"] as? [[String: Any]])
        let fc3 = try #require(tensors.first { $0["name"] as? String == "fc3.weight" })
        let scales = try #require(try loadAll(archive)["fc3.weight_scale"]?.floatValues())
        // JSON carries the float32's shortest decimal form, which reads back to the same float32.
        #expect((fc3["scale_max"] as? Double).map(Float.init) == scales.max())
        #expect(fc3["bytes"] as? Int == 10 * 64 + 10 * 4)
        #expect(fc3["original_dtype"] as? String == "float32")
    }

    @Test func inspectDescribesAPlainFile() throws {
        let result = cli(["inspect", fixture("example/mlp-compressed.npz")])
        #expect(result.status == .success)
        #expect(result.out.contains("8 tensors, 0 quantized"))
    }

    @Test func inspectReportsAMissingScaleAndFails() throws {
        let folder = try TemporaryFolder()
        let archive = try quantizedExample(in: folder)
        let broken = folder.path("broken.npz")
        let kept = try openTensorSource(path: archive)
        try writeNPZ(try kept.tensors.filter { $0.name != "fc2.weight_scale" }.map { ($0.name, try kept.load($0.name)) }, to: broken)
        let result = cli(["inspect", broken])
        #expect(result.status == .failure)
        #expect(result.out.contains("1 problem:"))
        #expect(result.out.contains("'fc2.weight': quantized tensor 'fc2.weight' has no 'fc2.weight_scale' member"))
    }

    @Test func inspectReportsCodesOutsideTheSchemeRange() throws {
        let folder = try TemporaryFolder()
        // 5 bits: stored one per byte (packed codes of 4 bits or fewer cannot leave their range).
        let archive = try quantizedExample(in: folder, ["--bits", "5"])
        let broken = folder.path("broken.npz")
        let kept = try openTensorSource(path: archive)
        var tensors = try kept.tensors.map { ($0.name, try kept.load($0.name)) }
        let index = try #require(tensors.firstIndex { $0.0 == "fc3.weight" })
        var codes = tensors[index].1.bytes
        codes[65] = 100  // outside -16...15
        tensors[index].1 = try Tensor(dtype: .int8, shape: [10, 64], bytes: codes)
        try writeNPZ(tensors, to: broken)
        let result = cli(["inspect", broken])
        #expect(result.status == .failure)
        #expect(result.out.contains("'fc3.weight' has code 100 at index [1, 1] outside -16...15"))
    }

    @Test func dequantizeGivesCodesMinusZeroPointTimesScaleInFloat32() throws {
        let folder = try TemporaryFolder()
        let archive = try quantizedExample(in: folder, ["--scheme", "per-channel-asymmetric"])
        let output = folder.path("restored.npz")
        let result = cli(["dequantize", archive, "-o", output])
        #expect(result.status == .success, "\(result.err)")
        #expect(result.out.contains("3 tensors dequantized to float32, 5 copied"))
        let stored = try loadAll(archive)
        let restored = try loadAll(output)
        #expect(Set(restored.keys) == ["fc1.weight", "fc1.bias", "norm.weight", "norm.bias", "fc2.weight", "fc2.bias",
                                       "fc3.weight", "fc3.bias"])
        let codes = try #require(stored["fc2.weight"]).bytes
        let scales = try #require(stored["fc2.weight_scale"]?.floatValues())
        let zeroPoints = try #require(stored["fc2.weight_zero_point"]).bytes.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
        let expected = (0 ..< codes.count).map { i in Float(Int32(codes[i]) - zeroPoints[i / 128]) * scales[i / 128] }
        #expect(restored["fc2.weight"] == Tensor(shape: [64, 128], values: expected))
        #expect(restored["fc2.bias"] == stored["fc2.bias"])
    }

    @Test func dequantizedExampleIsWithinHalfAScaleOfTheOriginal() throws {
        let folder = try TemporaryFolder()
        let archive = try quantizedExample(in: folder)
        #expect(cli(["dequantize", archive, "-o", folder.path("restored.npz")]).status == .success)
        let original = try loadAll(example)
        let restored = try loadAll(folder.path("restored.npz"))
        let scales = try #require(try loadAll(archive)["fc1.weight_scale"]?.floatValues())
        let x = try #require(original["fc1.weight"]?.floatValues())
        let y = try #require(restored["fc1.weight"]?.floatValues())
        for i in x.indices {
            let s = scales[i / 64]
            // |x - q*s| <= s/2 plus float32 rounding of the division and the product.
            #expect(abs(x[i] - y[i]) <= s / 2 + 0x1p-24 * (abs(x[i]) + abs(y[i])))
        }
    }

    @Test func dequantizeRefusesAFileThatIsNotAnArchive() throws {
        let folder = try TemporaryFolder()
        let result = cli(["dequantize", example, "-o", folder.path("out.npz")])
        #expect(result.status == .failure)
        #expect(result.err.contains("no '__quantization__' member"))
        #expect(try folder.contents().isEmpty)
    }
}

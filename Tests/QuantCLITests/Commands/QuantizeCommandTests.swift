import Foundation
import QuantKit
import Testing

@testable import QuantCLI

@Suite struct QuantizeCommandTests {
    let example = fixture("example/mlp.npz")

    @Test func exampleMatchesNumPyReferenceBitForBit() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("mlp.int8.npz")
        let result = cli([example, "-o", output])
        #expect(result.status == .success, "\(result.err)")
        let ours = try loadAll(output)
        let reference = try loadAll(fixture("example/mlp.int8.reference.npz"))
        #expect(Set(ours.keys) == Set(reference.keys))
        for (name, tensor) in reference where name != NPZLayout.metadataName {
            #expect(ours[name] == tensor, "member \(name) differs from the NumPy reference")
        }
        #expect(try metadata(of: output) == metadata(of: fixture("example/mlp.int8.reference.npz")))
    }

    @Test func deflatedInputGivesTheSameArchive() throws {
        let folder = try TemporaryFolder()
        #expect(cli([example, "-o", folder.path("a.npz")]).status == .success)
        #expect(cli([fixture("example/mlp-compressed.npz"), "-o", folder.path("b.npz")]).status == .success)
        #expect(try loadAll(folder.path("a.npz")) == loadAll(folder.path("b.npz")))
    }

    @Test func compressFlagDeflatesEveryMemberAndKeepsTheContent() throws {
        let folder = try TemporaryFolder()
        #expect(cli([example, "-o", folder.path("stored.npz")]).status == .success)
        #expect(cli([example, "-o", folder.path("deflated.npz"), "--compress"]).status == .success)
        let entries = try ZipReader(path: folder.path("deflated.npz")).entries
        #expect(!entries.isEmpty && entries.allSatisfy { $0.method == 8 })
        #expect(try loadAll(folder.path("stored.npz")) == loadAll(folder.path("deflated.npz")))
    }

    @Test func tableReportListsEveryTensorAndTheTotals() throws {
        let folder = try TemporaryFolder()
        let result = cli([example, "-o", folder.path("out.npz")])
        for name in ["fc1.weight", "fc1.bias", "norm.weight", "fc2.weight", "fc3.weight", "fc3.bias"] {
            #expect(result.out.contains(name))
        }
        #expect(result.out.contains("3 of 8 tensors quantized"))
        #expect(result.err.isEmpty, "no progress lines when stderr is not a terminal")
    }

    @Test func jsonReportCarriesBytesAndErrorsPerTensor() throws {
        let folder = try TemporaryFolder()
        let result = cli([example, "-o", folder.path("out.npz"), "--report", "json"])
        #expect(result.status == .success)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        #expect(tensors.count == 8)
        let fc1 = try #require(tensors.first { $0["name"] as? String == "fc1.weight" })
        #expect(fc1["scheme"] as? String == "per-channel")
        #expect(fc1["bytes_before"] as? Int == 128 * 64 * 4)
        #expect(fc1["bytes_after"] as? Int == 128 * 64 + 128 * 4)
        #expect((fc1["sqnr_db"] as? Double ?? 0) > 40)
        let before = try #require(report["bytes_before"] as? Int)
        let after = try #require(report["bytes_after"] as? Int)
        #expect(abs((report["compression_ratio"] as? Double ?? 0) - Double(before) / Double(after)) < 1e-9)
    }

    @Test func reportNoneIsSilent() throws {
        let folder = try TemporaryFolder()
        let result = cli([example, "-o", folder.path("out.npz"), "--report", "none"])
        #expect(result.status == .success && result.out.isEmpty)
    }

    @Test func layerRulesOverrideSchemeAndBitsFirstMatchWinning() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("out.npz")
        let result = cli([example, "-o", output, "--layer", "^fc3=none", "--layer", "fc1=asymmetric:4",
                          "--layer", "fc=symmetric"])
        #expect(result.status == .success, "\(result.err)")
        let entries = try #require(try metadata(of: output)).tensors
        #expect(entries.map(\.name) == ["fc1.weight", "fc2.weight"])
        #expect(entries[0].scheme == "asymmetric" && entries[0].bits == 4)
        #expect(entries[1].scheme == "symmetric" && entries[1].bits == 8)
        let tensors = try loadAll(output)
        #expect(tensors["fc3.weight"]?.dtype == .float32)
        #expect(tensors["fc1.weight_zero_point"]?.dtype == .int32)
        // fc1 at 4 bits: two codes per byte ([128, 64] -> [128, 32]); fc2 at 8 bits: one per byte.
        #expect(tensors["fc1.weight"]?.dtype == .uint8 && tensors["fc1.weight"]?.shape == [128, 32])
        #expect(tensors["fc2.weight"]?.dtype == .int8 && tensors["fc2.weight"]?.shape == [64, 128])
    }

    @Test func includeSelectsOneDimensionalTensorsAndExcludeWins() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("out.npz")
        #expect(cli([example, "-o", output, "--include", ".*", "--exclude", "norm", "--scheme", "symmetric"]).status == .success)
        let names = try #require(try metadata(of: output)).tensors.map(\.name)
        #expect(names == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"])
    }

    /// At 4 bits the archive holds two codes per byte, low nibble first, offset to unsigned, and
    /// they are the codes quantizing in memory gives; the report counts the packed bytes.
    @Test func fourBitCodesArePackedTwoPerByteLowNibbleFirst() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("out.npz")
        let result = cli([example, "-o", output, "--bits", "4", "--report", "json"])
        #expect(result.status == .success)
        let stored = try loadAll(output)
        let packed = try #require(stored["fc2.weight"])
        #expect(packed.dtype == .uint8 && packed.shape == [64, 64])
        let unpacked = packed.bytes.flatMap { [Int($0 & 0xF) - 8, Int($0 >> 4) - 8] }
        let weight = try #require(try loadAll(example)["fc2.weight"]?.floatValues())
        let reference = try quantize(weight, shape: [64, 128], scheme: QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 4))
        #expect(unpacked == (0 ..< reference.codes.count).map { reference.code(at: $0) })
        let metadata = try ArchiveMetadata.decode(try #require(stored[NPZLayout.metadataName]).bytes)
        let entry = try #require(metadata.tensors.first { $0.name == "fc2.weight" })
        #expect(entry.packing == "lsb-first" && entry.codesDtype == "uint8")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let line = try #require((report["tensors"] as? [[String: Any]])?.first { $0["name"] as? String == "fc2.weight" })
        #expect(line["bytes_after"] as? Int == 64 * 64 + 4 * 64)
    }

    @Test func existingOutputNeedsForceAndIsThenReplaced() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("out.npz")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: output))
        let refused = cli([example, "-o", output])
        #expect(refused.status == .failure)
        #expect(refused.err == "quantize: \(output): output exists; pass --force to replace it\n")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "keep me")
        #expect(cli([example, "-o", output, "--force"]).status == .success)
        #expect(try metadata(of: output) != nil)
        #expect(try folder.contents() == ["out.npz"])
    }

    @Test func neverOverwritesTheInputEvenWithForce() throws {
        let folder = try TemporaryFolder()
        let input = folder.path("model.npz")
        try FileManager.default.copyItem(atPath: example, toPath: input)
        let result = cli([input, "-o", folder.path("./model.npz"), "--force"])
        #expect(result.status == .failure)
        #expect(result.err.contains("output is the input file"))
        #expect(FileManager.default.contentsEqual(atPath: input, andPath: example))
    }

    @Test func corruptInputFailsAndLeavesNoOutput() throws {
        let folder = try TemporaryFolder()
        let input = folder.path("truncated.npz")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: example))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: input))
        let result = cli([input, "-o", folder.path("out.npz")])
        #expect(result.status == .failure)
        #expect(result.err.hasPrefix("quantize: \(input): "))
        #expect(result.err.filter { $0 == "\n" }.count == 1)
        #expect(try folder.contents() == ["truncated.npz"])
    }

    @Test func nonFiniteTensorIsRefusedNamingTensorAndIndex() throws {
        let folder = try TemporaryFolder()
        let input = folder.path("nan.npz")
        var values = [Float](repeating: 0.5, count: 12)
        values[6] = .nan
        try writeNPZ([("ok", Tensor(shape: [2, 2], values: [1, 2, 3, 4])), ("layer.weight", Tensor(shape: [3, 4], values: values))],
                     to: input)
        let result = cli([input, "-o", folder.path("out.npz")])
        #expect(result.status == .failure)
        #expect(result.err == "quantize: \(input): 'layer.weight': NaN at index [1, 2]; cannot quantize a tensor that is not finite\n")
        #expect(try folder.contents() == ["nan.npz"])
    }

    @Test func nonFiniteValuesOutsideTheSelectionAreCopied() throws {
        let folder = try TemporaryFolder()
        let input = folder.path("inf.npz")
        try writeNPZ([("w", Tensor(shape: [2, 2], values: [1, 2, 3, 4])), ("b", Tensor(shape: [2], values: [.infinity, 1]))],
                     to: input)
        #expect(cli([input, "-o", folder.path("out.npz")]).status == .success)
        #expect(try loadAll(folder.path("out.npz"))["b"] == Tensor(shape: [2], values: [.infinity, 1]))
    }

    @Test func nameCollisionWithAnExistingScaleIsRefused() throws {
        let folder = try TemporaryFolder()
        let input = folder.path("clash.npz")
        try writeNPZ([("w", Tensor(shape: [2, 2], values: [1, 2, 3, 4])), ("w_scale", Tensor(shape: [1, 1], values: [1]))],
                     to: input)
        let result = cli([input, "-o", folder.path("out.npz")])
        #expect(result.status == .failure)
        #expect(result.err.contains("output name 'w_scale' would be written twice"))
        #expect(try folder.contents() == ["clash.npz"])
    }

    @Test func axisOutsideATensorsRankIsRefusedBeforeWriting() throws {
        let folder = try TemporaryFolder()
        let result = cli([example, "-o", folder.path("out.npz"), "--axis", "2"])
        #expect(result.status == .failure)
        #expect(result.err.contains("tensor 'fc1.weight': axis 2 is out of range for rank 2"))
        #expect(try folder.contents().isEmpty)
    }

    @Test func lastAxisGivesOneScalePerInputColumn() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("out.npz")
        #expect(cli([example, "-o", output, "--axis", "-1"]).status == .success)
        #expect(try loadAll(output)["fc1.weight_scale"]?.shape == [1, 64])
        #expect(try metadata(of: output)?.tensors.first?.axis == 1)
    }

    @Test func singleNPYInputIsOneTensorNamedByItsStem() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("out.npz")
        let result = cli([fixture("npy/valid/fortran_2d.npy"), "-o", output])
        #expect(result.status == .success, "\(result.err)")
        #expect(try metadata(of: output)?.tensors.map(\.name) == ["fortran_2d"])
    }
}

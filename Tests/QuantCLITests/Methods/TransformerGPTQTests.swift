import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// `quantize FOLDER -o OUT --method gptq --calibration-tokens X.npy` on the tiny random Llama of
/// Fixtures/transformers/llama: GPTQ through its blocks, written as compressed-tensors, read
/// back through `QuantizedTransformerWeights`; and the refusals of options that do not fit.
@Suite struct TransformerGPTQTests {
    let model = fixture("transformers/llama")

    /// Eight sequences of 10 to 24 pseudo-random ids below 200, padded with -1 to 24, as int32.
    func writeTokens(_ path: String) throws -> [[Int]] {
        var state: UInt32 = 12345
        let sequences = (0 ..< 8).map { s in
            (0 ..< 10 + 2 * s).map { _ in
                state = state &* 1_664_525 &+ 1_013_904_223
                return Int(state >> 8) % 200
            }
        }
        let ids = sequences.flatMap { $0 + [Int](repeating: -1, count: 24 - $0.count) }
        let tensor = try Tensor(dtype: .int32, shape: [8, 24], bytes: ids.flatMap { withUnsafeBytes(of: Int32($0).littleEndian, Array.init) })
        try Data(encodeNPY(tensor)).write(to: URL(fileURLWithPath: path))
        return sequences
    }

    @Test func gptqThroughTheBlocksIsWrittenAndReadsBackAsComputedInMemory() throws {
        let folder = try TemporaryFolder()
        let sequences = try writeTokens(folder.path("tokens.npy"))
        // The model alone: the fixture folder also holds the reference outputs (.npy).
        let model = folder.path("llama"), output = folder.path("out")
        try FileManager.default.createDirectory(atPath: model, withIntermediateDirectories: false)
        for name in ["config.json", "model.safetensors"] {
            try FileManager.default.copyItem(atPath: self.model + "/" + name, toPath: model + "/" + name)
        }
        let result = cli([model, "-o", output, "--bits", "4", "--method", "gptq", "--calibration-tokens", folder.path("tokens.npy")])
        try #require(result.status == .success, "\(result.err)")
        let tokens = sequences.reduce(0) { $0 + $1.count }
        #expect(result.out.contains("gptq on 8 calibration sequences (\(tokens) tokens)"), "\(result.out)")

        let float = try loadTransformer(folder: model)
        let tensors = try openTensorSource(path: model + "/model.safetensors").tensors
        let written = try QuantizedTransformerWeights(path: output, model: tensors)
        var scheme = QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 4)
        scheme.scaleDType = .bfloat16
        let names = float.blocks.flatMap(\.linears).map { $0.prefix + ".weight" }
        let inMemory = try gptqThroughBlocks(float, calibration: TokenBatch(sequences),
                                             schemes: Dictionary(uniqueKeysWithValues: names.map { ($0, scheme) }))
        #expect(inMemory.count == 14)
        for prefix in float.blocks.flatMap(\.linears).map(\.prefix) {
            guard case .quantized(let linear) = try written.linear(prefix) else {
                Issue.record("\(prefix) is not quantized in the output")
                continue
            }
            let expected = try #require(inMemory[prefix + ".weight"])
            #expect(linear.weight.codes == expected.codes && linear.weight.scales == expected.scales, "\(prefix)")
        }
    }

    @Test func optionsThatDoNotFitTransformerCalibrationAreRefusedByName() throws {
        let folder = try TemporaryFolder()
        _ = try writeTokens(folder.path("tokens.npy"))
        let tokens = folder.path("tokens.npy"), out = folder.path("out")
        let cases: [([String], String)] = [
            ([model, "-o", out, "--method", "gptq", "--calibration-tokens", tokens, "--calibration-text", tokens],
             "'--calibration-text'"),
            ([model, "-o", out, "--method", "gptq", "--calibration-tokens", tokens, "--keep-outliers", "3"], "'--keep-outliers'"),
            ([model + "/model.safetensors", "-o", out + ".safetensors", "--method", "gptq", "--calibration-tokens", tokens],
             "not one model folder with a config.json"),
        ]
        for (arguments, words) in cases {
            let result = cli(arguments)
            #expect(result.status == .usage && result.err.contains(words), "\(arguments): \(result.err)")
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}

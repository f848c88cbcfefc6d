import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// `quantize FOLDER -o OUT --method awq --calibration-tokens X.npy` (and `--method rtn
/// --keep-outliers T`) on the tiny random Qwen2 of Fixtures/transformers/qwen2 (biased q/k/v,
/// grouped-query attention): written as compressed-tensors and `.npz`, read back through
/// `QuantizedTransformerWeights`, the model runs exactly as the one computed in memory.
@Suite struct TransformerAWQTests {
    let source = fixture("transformers/qwen2")

    /// The model alone (the fixture folder also holds reference outputs) and six sequences of
    /// pseudo-random ids, written as int32 token rows padded with -1.
    func prepare(_ folder: TemporaryFolder) throws -> (model: String, tokens: String, sequences: [[Int]]) {
        let model = folder.path("qwen2")
        try FileManager.default.createDirectory(atPath: model, withIntermediateDirectories: false)
        for name in ["config.json", "model.safetensors"] {
            try FileManager.default.copyItem(atPath: source + "/" + name, toPath: model + "/" + name)
        }
        var state: UInt32 = 777
        let sequences = (0 ..< 6).map { s in
            (0 ..< 12 + 2 * s).map { _ in
                state = state &* 1_664_525 &+ 1_013_904_223
                return Int(state >> 8) % 300
            }
        }
        let ids = sequences.flatMap { $0 + [Int](repeating: -1, count: 22 - $0.count) }
        let tensor = try Tensor(dtype: .int32, shape: [6, 22], bytes: ids.flatMap { withUnsafeBytes(of: Int32($0).littleEndian, Array.init) })
        try Data(encodeNPY(tensor)).write(to: URL(fileURLWithPath: folder.path("tokens.npy")))
        return (model, folder.path("tokens.npy"), sequences)
    }

    /// The last hidden states of the model read back from `output`, and of the one in memory.
    func hiddenStates(output: String, model: String, inMemory: LlamaDecoder, sequences: [[Int]]) throws -> (read: [Float], memory: [Float]) {
        let config = try TransformerConfig.load(path: model + "/config.json")
        let tensors = try openTensorSource(path: model + "/model.safetensors").tensors
        let read = try LlamaDecoder(config: config, weights: QuantizedTransformerWeights(path: output, model: tensors))
        return (try read.hiddenStates(TokenBatch(sequences)).values, try inMemory.hiddenStates(TokenBatch(sequences)).values)
    }

    /// The fixture's weights are float32: scales are chosen in float32 for both formats.
    @Test(arguments: ["npz", "safetensors"])
    func awqWrittenReadsBackAsTheModelComputedInMemory(_ format: String) throws {
        let folder = try TemporaryFolder()
        let (model, tokens, sequences) = try prepare(folder)
        let output = folder.path("out")
        let result = cli([model, "-o", output, "--format", format, "--bits", "4", "--method", "awq", "--calibration-tokens", tokens])
        try #require(result.status == .success, "\(result.err)")
        #expect(result.out.contains("awq on 6 calibration sequences"), "\(result.out)")
        #expect(result.out.contains("model.layers.0: awq folded") || result.out.contains("model.layers.0: round to nearest, AWQ's scales"))
        #expect(result.out.contains("each v_proj → o_proj scale is shared by the 2 query heads"), "\(result.out)")

        let scheme = QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 4)
        let float = try LlamaDecoder(config: TransformerConfig.load(path: model + "/config.json"), weights: CheckpointWeights(path: model))
        let names = float.blocks.flatMap(\.linears).map { $0.prefix + ".weight" }
        let awq = try BlockwiseAWQ(float, calibration: TokenBatch(sequences), schemes: Dictionary(uniqueKeysWithValues: names.map { ($0, scheme) }))
        #expect(!awq.scaled.isEmpty && !awq.folded.isEmpty)
        let (read, memory) = try hiddenStates(output: output, model: model, inMemory: awq.model, sequences: sequences)
        #expect(read == memory, "max |Δ| \(zip(read, memory).map { abs($0 - $1) }.max()!)")
        let written = try QuantizedTransformerWeights(path: output, model: try openTensorSource(path: model + "/model.safetensors").tensors)
        for (name, tensor) in awq.quantized {
            guard case .quantized(let linear) = try written.linear(String(name.dropLast(7))) else { continue }
            #expect(linear.weight.codes == tensor.codes && linear.weight.scales == tensor.scales, "\(name)")
        }
        for (name, values) in awq.folded { #expect(try written.floatTensor(name).values == values, "\(name)") }
        let (unfolded, _) = try hiddenStates(output: model, model: model, inMemory: awq.model, sequences: sequences)
        #expect(unfolded != read)
    }

    @Test func outlierColumnsThroughTheTransformerAreWrittenAsComputedInMemory() throws {
        let folder = try TemporaryFolder()
        let (model, tokens, sequences) = try prepare(folder)
        let output = folder.path("out")
        let result = cli([model, "-o", output, "--format", "npz", "--bits", "4", "--keep-outliers", "1.5", "--calibration-tokens", tokens])
        try #require(result.status == .success, "\(result.err)")
        let float = try LlamaDecoder(config: TransformerConfig.load(path: model + "/config.json"), weights: CheckpointWeights(path: model))
        let names = float.blocks.flatMap(\.linears).map { $0.prefix + ".weight" }
        let scheme = QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 4)
        let kept = try BlockwiseAWQ(float, calibration: TokenBatch(sequences), schemes: Dictionary(uniqueKeysWithValues: names.map { ($0, scheme) }),
                                    weightMethod: OutlierColumnsKept(base: RoundToNearest(), threshold: 1.5), searchesScales: false)
        let tensors = try openTensorSource(path: model + "/model.safetensors").tensors
        let written = try QuantizedTransformerWeights(path: output, model: tensors)
        var columns = 0
        for name in names {
            let prefix = String(name.dropLast(".weight".count))
            guard case .quantized(let linear) = try written.linear(prefix) else {
                Issue.record("\(prefix) is not quantized in the output")
                continue
            }
            #expect(linear.weight.outliers?.columns == kept.quantized[name]?.outliers?.columns, "\(name)")
            columns += linear.weight.outliers?.columns.count ?? 0
        }
        #expect(columns > 0)
        let (read, memory) = try hiddenStates(output: output, model: model, inMemory: kept.model, sequences: sequences)
        #expect(read == memory)
    }

    @Test func calibrationOverTheMemoryBudgetIsRefusedInOneLineBeforeReadingWeights() throws {
        let folder = try TemporaryFolder()
        let (model, tokens, sequences) = try prepare(folder)
        let out = folder.path("out")
        let config = try TransformerConfig.load(path: model + "/config.json")
        let elements = try openTensorSource(path: model + "/model.safetensors").tensors.reduce(0) { $0 + $1.shape.reduce(1, *) }
        let cost = TransformerCalibrationCost(config: config, weightElements: elements, lengths: sequences.map(\.count),
                                              sequencesPerBatch: 32, hessians: false)
        #expect(cost.bytes > 4 * elements)
        for budget in ["\(cost.bytes - 1)", "64K"] {
            let result = cli([model, "-o", out, "--method", "awq", "--calibration-tokens", tokens, "--max-memory", budget])
            #expect(result.status == .failure)
            #expect(result.err.hasPrefix("quantize: \(model): calibrating through this transformer") && result.err.hasSuffix(
                "(raise it with --max-memory SIZE, or calibrate on fewer or shorter texts)\n"), "\(result.err)")
            #expect(result.err.split(separator: "\n").count == 1)
        }
        #expect(!FileManager.default.fileExists(atPath: out))
        let fits = cli([model, "-o", out, "--method", "awq", "--calibration-tokens", tokens, "--max-memory", "\(cost.bytes)"])
        #expect(fits.status == .success, "\(fits.err)")
    }

    @Test func optionsThatDoNotFitAWQThroughTheTransformerAreRefusedByName() throws {
        let folder = try TemporaryFolder()
        let (model, tokens, _) = try prepare(folder)
        let out = folder.path("out")
        let cases: [([String], String)] = [
            ([model, "-o", out, "--calibration-tokens", tokens], "'--calibration-tokens' requires '--method gptq or awq, or --keep-outliers'"),
            ([model, "-o", out, "--method", "gptq", "--calibration-tokens", tokens, "--keep-outliers", "3"], "'--keep-outliers'"),
            ([model, "-o", out, "--method", "awq", "--calibration-tokens", tokens, "--keep-outliers", "3"],
             "'--keep-outliers' cannot be used with 'safetensors output"),
            ([model, "-o", out, "--method", "awq", "--calibration-tokens", tokens, "--calibration", tokens], "'--calibration"),
            ([model, "-o", out, "--keep-outliers", "3"], "'--keep-outliers' requires"),
        ]
        for (arguments, words) in cases {
            let result = cli(arguments)
            #expect(result.status == .usage && result.err.contains(words), "\(arguments): \(result.err)")
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}

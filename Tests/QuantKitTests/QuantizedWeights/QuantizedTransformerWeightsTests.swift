import Foundation
import Testing

@testable import QuantKit

/// `QuantizedTransformerWeights` over outputs of a Hugging Face checkpoint: the checkpoints
/// compressed-tensors itself wrote (Fixtures/compressed_tensors/library, every format, strategy
/// and width), and our own compressed-tensors and `.npz` outputs of a small Qwen2-style folder
/// made here; then every way an output can fail to match its model.
@Suite struct QuantizedTransformerWeightsTests {
    static let library = fixturesFolder.appendingPathComponent("compressed_tensors")

    /// The digits MLP's float tensors, which compressed-tensors quantized into the library fixtures.
    static func digitsModel() throws -> [TensorInfo] {
        try openTensorSource(path: library.appendingPathComponent("digits-float.safetensors").path).tensors
    }

    static let libraryKinds: [String] = ["pack", "int"].flatMap { format in
        ["sym", "asym"].flatMap { symmetry in
            ["channel", "group16", "tensor"].flatMap { strategy in ["4", "8"].map { "\(format)-\(symmetry)-\(strategy)-\($0)" } }
        }
    }

    @Test(arguments: libraryKinds)
    func libraryCheckpointsDequantizeAsCompressedTensorsDecompresses(kind: String) throws {
        let folder = Self.library.appendingPathComponent("library/\(kind)").path
        let weights = try QuantizedTransformerWeights(path: folder, model: Self.digitsModel())
        let decompressed = try openTensorSource(path: Self.library.appendingPathComponent("library-decompressed/\(kind).npz").path)
        let float = try openTensorSource(path: Self.library.appendingPathComponent("digits-float.safetensors").path)
        #expect(weights.quantizedPrefixes == ["fc1", "fc2", "fc3"])
        for prefix in ["fc1", "fc2", "fc3"] {
            guard case .quantized(let linear) = try weights.linear(prefix) else {
                Issue.record("\(kind) \(prefix) is quantized in the checkpoint")
                continue
            }
            #expect(linear.weight.dequantized() == (try decompressed.load(prefix + ".weight").floatValues()!), "\(kind) \(prefix)")
            #expect(linear.bias == (try float.load(prefix + ".bias").floatValues()!))
            #expect(linear.runsInInt8 == !kind.contains("group"))
        }
    }

    /// A Qwen2-style checkpoint folder: embeddings, one decoder layer (grouped-query attention
    /// with q/k/v biases, SwiGLU MLP), final norm, an untied head and an integer buffer.
    static func makeCheckpoint(in folder: URL) throws -> [String: (shape: [Int], values: [Float])] {
        var random = QuantTestRandom(seed: 16)
        let shapes: [(String, [Int])] = [
            ("model.embed_tokens.weight", [24, 16]), ("model.layers.0.input_layernorm.weight", [16]),
            ("model.layers.0.self_attn.q_proj.weight", [16, 16]), ("model.layers.0.self_attn.q_proj.bias", [16]),
            ("model.layers.0.self_attn.k_proj.weight", [8, 16]), ("model.layers.0.self_attn.k_proj.bias", [8]),
            ("model.layers.0.self_attn.v_proj.weight", [8, 16]), ("model.layers.0.self_attn.v_proj.bias", [8]),
            ("model.layers.0.self_attn.o_proj.weight", [16, 16]), ("model.layers.0.post_attention_layernorm.weight", [16]),
            ("model.layers.0.mlp.gate_proj.weight", [32, 16]), ("model.layers.0.mlp.up_proj.weight", [32, 16]),
            ("model.layers.0.mlp.down_proj.weight", [16, 32]), ("model.norm.weight", [16]), ("lm_head.weight", [24, 16]),
        ]
        var tensors: [String: (shape: [Int], values: [Float])] = [:]
        for (name, shape) in shapes { tensors[name] = (shape, random.normals(shape.reduce(1, *), scale: 0.5)) }
        let config = #"{"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 16, "#
            + #""intermediate_size": 32, "num_attention_heads": 4, "num_key_value_heads": 2, "num_hidden_layers": 1, "#
            + #""vocab_size": 24, "tie_word_embeddings": false}"#
        try Data(config.utf8).write(to: folder.appendingPathComponent("config.json"))
        let positions = TensorInfo(name: "model.position_ids", dtype: .int64, shape: [1, 8])
        let infos = shapes.map { TensorInfo(name: $0.0, dtype: .float32, shape: $0.1) } + [positions]
        let path = folder.appendingPathComponent("model.safetensors").path
        let writer = try OutputFormat.safetensors.makeWriter(path: path, displayPath: path, tensors: infos, record: nil)
        for (name, _) in shapes { try writer.add(name: name, tensor: Tensor(shape: tensors[name]!.shape, values: tensors[name]!.values)) }
        let ids = (0 ..< 8).flatMap { withUnsafeBytes(of: Int64($0).littleEndian, Array.init) }
        try writer.add(name: positions.name, tensor: Tensor(dtype: .int64, shape: [1, 8], bytes: ids))
        try writer.finish()
        return tensors
    }

    static let linearPrefixes = ["q_proj", "k_proj", "v_proj", "o_proj"].map { "model.layers.0.self_attn." + $0 }
        + ["gate_proj", "up_proj", "down_proj"].map { "model.layers.0.mlp." + $0 }

    @Test(arguments: [("safetensors", "pack", 8, nil), ("safetensors", "int", 8, nil), ("npz", nil, 8, nil),
                      ("safetensors", "pack", 4, 16), ("npz", nil, 4, 16)] as [(String, String?, Int, Int?)])
    func ourOutputsRoundTrip(format: String, variant: String?, bits: Int, groupSize: Int?) throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("qtw-\(UUID().uuidString)")
        let input = work.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let tensors = try Self.makeCheckpoint(in: input)
        let output = work.appendingPathComponent("quantized").path
        let outputFormat = OutputFormat(rawValue: format)!
        let plan = try ShardPlan(inputs: [input.path], output: output, format: outputFormat)
        let scheme = QuantScheme(symmetric: true, granularity: groupSize.map { .perGroup(size: $0) } ?? .perChannel(axis: 0), bits: bits)
        var rules = SelectionRules(defaultScheme: scheme)
        rules.moduleRoles = try plan.moduleRoles()
        let layout = QuantizedLayouts.builtIn.output(outputFormat, variant: variant)!
        _ = try quantizeCheckpoint(plan: plan, rules: rules, layout: layout, overwrite: false)

        let model = try openTensorSource(path: input.appendingPathComponent("model.safetensors").path).tensors
        let weights = try QuantizedTransformerWeights(path: output, model: model)
        #expect(weights.quantizedPrefixes == Set(Self.linearPrefixes))
        // What `quantize dequantize` writes for the same output.
        let shard = try QuantizedArchive(source: openTensorSource(path: plan.jobs[0].output))
        let restoredPath = work.appendingPathComponent("restored.npz").path
        _ = try dequantizeFile(archive: shard, outputPath: restoredPath, compress: false, overwrite: false)
        let restored = try openTensorSource(path: restoredPath)
        for prefix in Self.linearPrefixes {
            guard case .quantized(let linear) = try weights.linear(prefix) else {
                Issue.record("\(prefix) is quantized")
                continue
            }
            let dequantized = linear.weight.dequantized()
            #expect(dequantized == (try restored.load(prefix + ".weight").floatValues()!), "\(prefix)")
            #expect(linear.bias == tensors[prefix + ".bias"]?.values)
            #expect(linear.runsInInt8 == (groupSize == nil))
            // Each weight within half a step of the float one: the right tensor, not transposed.
            let original = tensors[prefix + ".weight"]!.values
            let step = linear.weight.scales.max()!
            #expect(zip(original, dequantized).allSatisfy { abs($0 - $1) <= step / 2 * 1.0001 }, "\(prefix)")
        }
        // The output head is kept in float by the Linear-only default, as compressed-tensors loaders expect.
        guard case .float(let head) = try weights.linear("lm_head") else {
            Issue.record("lm_head is kept in float")
            return
        }
        #expect(head.weight == tensors["lm_head.weight"]!.values && head.bias == nil)
        for name in ["model.embed_tokens.weight", "model.norm.weight", "model.layers.0.input_layernorm.weight"] {
            let (values, shape) = try weights.floatTensor(name)
            #expect(values == tensors[name]!.values && shape == tensors[name]!.shape, "\(name)")
        }
        #expect(weights.contains("model.layers.0.self_attn.q_proj.bias") && !weights.contains("model.layers.0.mlp.up_proj.bias"))
        #expect(weights.storedByteCount < model.reduce(0) { $0 + $1.storedByteCount })
    }

    /// The message of the error `body` throws.
    func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func refusesAnOutputOfAnotherModel() throws {
        let folder = Self.library.appendingPathComponent("library/pack-sym-channel-8").path
        var model = try Self.digitsModel()
        let extra = TensorInfo(name: "fc4.weight", dtype: .float32, shape: [10, 10])
        #expect(message { _ = try QuantizedTransformerWeights(path: folder, model: model + [extra]) }
            == "\(folder): 'fc4.weight': the model has this tensor but the quantized output does not (was it quantized from another model?)")
        let fc2 = model.firstIndex { $0.name == "fc2.weight" }!
        model[fc2] = TensorInfo(name: "fc2.weight", dtype: .float32, shape: [64, 32])
        #expect(message { _ = try QuantizedTransformerWeights(path: folder, model: model) }
            == "\(folder): 'fc2.weight': is (32, 64) in the quantized output but (64, 32) in the model (was it quantized from another model?)")
        model.remove(at: fc2)
        #expect(message { _ = try QuantizedTransformerWeights(path: folder, model: model) }
            == "\(folder): 'fc2.weight': the quantized output has this tensor but the model does not (was it quantized from another model?)")
    }

    @Test func refusesGGUFAndTensorsOfTheWrongKind() throws {
        let gguf = fixturesFolder.appendingPathComponent("gguf/all_types.gguf").path
        #expect(throws: FileError.self) { _ = try QuantizedTransformerWeights(path: gguf, model: []) }
        #expect(message { _ = try QuantizedTransformerWeights(path: gguf, model: []) }.hasPrefix("\(gguf): a GGUF file names"))

        let work = FileManager.default.temporaryDirectory.appendingPathComponent("qtw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        _ = try Self.makeCheckpoint(in: work)
        let path = work.appendingPathComponent("model.safetensors").path
        // The float checkpoint itself reads as an output that quantized nothing.
        let weights = try QuantizedTransformerWeights(path: path, model: openTensorSource(path: path).tensors)
        #expect(weights.quantizedTensors.isEmpty)
        guard case .float(let head) = try weights.linear("lm_head") else {
            Issue.record("nothing is quantized")
            return
        }
        #expect(head.outFeatures == 24 && head.inFeatures == 16 && head.bias == nil)
        #expect(message { _ = try weights.floatTensor("model.position_ids") }
            == "\(path): 'model.position_ids': is int64, not a floating-point or quantized tensor")
        #expect(message { _ = try weights.linear("model.norm") } == "\(path): 'model.norm.weight': is (16,), not the 2-D weight of a Linear layer")
        #expect(message { _ = try weights.linear("model.layers.1.mlp.up_proj") }
            == "\(path): 'model.layers.1.mlp.up_proj.weight': is in neither the model nor its quantized output")
    }
}

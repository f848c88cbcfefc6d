import Foundation
import Testing
@testable import QuantKit

/// Fixtures/gguf/mix/expected.json (make_mix_fixtures.py): small synthetic headers (llama with
/// 2, 8 and 32 layers, with and without GQA and tied embeddings, an 80-layer GQA llama, an
/// 8-expert llama, falcon with its fused attn_qkv, bert) and, for every file type and a few
/// option combinations, the type the real llama-quantize gave each tensor; for the four models
/// with `n_layer/8 ≥ 1` also with importance matrices (whole, without some entries, or none) for
/// Q2_K_S, Q4_0, Q5_0 and Q4_K_M: the types, the `quantize.imatrix.*` metadata, or the tensor
/// llama-quantize refused for want of importance weights.
private enum MixFixture {
    struct Run: Decodable {
        let type: String
        let options: [String]
        let types: [UInt32]?
        let refused: Bool?
        let metadata: [[Scalar]]?
    }

    /// A run with an importance matrix: every entry of the model's but `omitted` (nil: no matrix).
    struct ImportanceRun: Decodable {
        let type: String
        let omitted: [String]?
        let types: [UInt32]?
        /// The tensor llama-quantize named when it refused the run.
        let refused: String?
        let metadata: [[Scalar]]?
    }

    struct Model: Decodable {
        let metadata: [[Scalar]]
        let tensors: [[Scalar]]
        let output_order: [String]
        let runs: [Run]
        /// The importance matrix's entries (name, weight count), for the deeper models.
        let imatrix_entries: [[Scalar]]?
        let imatrix_runs: [ImportanceRun]?
    }

    /// The dataset and chunk count of every importance matrix file the script wrote.
    struct ImportanceFile: Decodable {
        let dataset: String
        let chunk_count: Int32
    }

    /// A JSON scalar or array of numbers (the fixture's rows mix them).
    enum Scalar: Decodable {
        case string(String), number(Double), bool(Bool), numbers([Int])

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) { self = .bool(flag) }
            else if let number = try? container.decode(Double.self) { self = .number(number) }
            else if let numbers = try? container.decode([Int].self) { self = .numbers(numbers) }
            else { self = .string(try container.decode(String.self)) }
        }

        var string: String { if case .string(let s) = self { s } else { "" } }
        var number: Double { if case .number(let n) = self { n } else { .nan } }
        var numbers: [Int] { if case .numbers(let n) = self { n } else { [] } }
    }

    /// A whole file llama-quantize wrote from Fixtures/gguf/pure/tiny_llama.gguf.
    struct Output: Decodable {
        let type: String
        let options: [String]
        let size: Int
        let sha256: String
    }

    struct File: Decodable {
        let models: [String: Model]
        let tiny_llama: [Output]
        let imatrix_file: ImportanceFile
    }

    static let file: File = {
        // The fixture is committed with the script that wrote it; a missing one is a broken checkout.
        let data = try! Data(contentsOf: fixturesFolder.appendingPathComponent("gguf/mix/expected.json"))
        return try! JSONDecoder().decode(File.self, from: data)
    }()

    static var models: [String: Model] { file.models }

    static func metadata(_ rows: [[Scalar]]) -> [GGUFMetadataEntry] {
        rows.map { row in
            let value: GGUFValue = switch (row[1].string, row[2]) {
            case ("string", .string(let text)): .string(GGUFString(text))
            case ("bool", .bool(let flag)): .bool(flag)
            case ("float32", .number(let number)): .float32(Float(number))
            default: .uint32(UInt32(row[2].number))
            }
            return GGUFMetadataEntry(row[0].string, value)
        }
    }

    static func tensors(_ rows: [[Scalar]]) -> [GGUFTensorInfo] {
        rows.map { GGUFTensorInfo(name: $0[0].string, type: GGMLType(rawValue: UInt32($0[2].number))!, dims: $0[1].numbers,
                                  offset: 0, byteCount: 0) }
    }

    /// The importance matrix the script gave llama-quantize (`--imatrix imatrix.gguf`): the
    /// model's entries but `omitted`, every weight 1.
    static func importance(_ model: Model, omitting omitted: [String]) -> GGUFImportance {
        var weights: [String: [Float]] = [:]
        for entry in model.imatrix_entries ?? [] where !omitted.contains(entry[0].string) {
            weights[entry[0].string] = [Float](repeating: 1, count: Int(entry[1].number))
        }
        let matrix = ImportanceMatrix(format: .gguf, weights: weights, datasets: [file.imatrix_file.dataset],
                                      chunkCount: file.imatrix_file.chunk_count)
        return GGUFImportance(matrix: matrix, recordedPath: "imatrix.gguf")
    }

    /// llama-quantize's command-line options as this tool's layout options.
    static func options(_ type: String, _ arguments: [String]) throws -> GGUFQuantizationOptions {
        var options = SelfQuantizingOptions(typeName: type)
        var words = arguments[...]
        while let flag = words.popFirst() {
            switch flag {
            case "--leave-output-tensor": options.keepOutputTensor = true
            case "--output-tensor-type": options.outputTensorType = words.popFirst()
            case "--token-embedding-type": options.tokenEmbeddingType = words.popFirst()
            case "--tensor-type": options.tensorTypes.append(words.popFirst()!)
            case "--override-kv": options.metadataOverrides.append(words.popFirst()!)
            default: Issue.record("unknown option \(flag)")
            }
        }
        return try GGUFQuantizationOptions(options)
    }
}

@Suite struct GGUFMixTests {
    @Test(arguments: ["llama2", "llama8-gqa", "llama32", "llama80-gqa", "moe8", "falcon", "bert"])
    func everyTensorGetsTheTypeLlamaQuantizeGaveIt(model label: String) throws {
        let model = try #require(MixFixture.models[label])
        let metadata = MixFixture.metadata(model.metadata), tensors = MixFixture.tensors(model.tensors)
        #expect(model.runs.count == 29)
        for run in model.runs {
            let what = "\(label) \(run.type) \(run.options.joined(separator: " "))"
            let options = try MixFixture.options(run.type, run.options)
            guard run.refused != true else {
                #expect(throws: GGUFQuantizationError.self, "\(what)") { try GGUFPlan(metadata: metadata, tensors: tensors, options: options) }
                continue
            }
            let plan = try GGUFPlan(metadata: metadata, tensors: tensors, options: options)
            #expect(plan.tensors.map(\.name) == model.output_order, "\(what)")
            let expected = try #require(run.types)
            let mismatches = zip(plan.tensors, expected).filter { $0.0.outputType.rawValue != $0.1 }
                .map { "\($0.0.name): ours \($0.0.outputType), llama-quantize's \(GGMLType(rawValue: $0.1)!)" }
            #expect(mismatches.isEmpty, "\(what): \(mismatches.prefix(5).joined(separator: "; "))")
            if let written = run.metadata {
                #expect(plan.metadata == MixFixture.metadata(written), "\(what)")
            }
        }
    }

    @Test(arguments: ["llama8-gqa", "llama32", "llama80-gqa", "falcon"])
    func withAnImportanceMatrixEveryTensorGetsTheTypeLlamaQuantizeGaveIt(model label: String) throws {
        let model = try #require(MixFixture.models[label])
        let metadata = MixFixture.metadata(model.metadata), tensors = MixFixture.tensors(model.tensors)
        let runs = try #require(model.imatrix_runs)
        #expect(runs.count == 7)
        for run in runs {
            let what = "\(label) \(run.type) --imatrix omitting \(run.omitted.map { "\($0)" } ?? "(no matrix)")"
            var options = try MixFixture.options(run.type, [])
            options.importance = run.omitted.map { MixFixture.importance(model, omitting: $0) }
            let plan = try GGUFPlan(metadata: metadata, tensors: tensors, options: options)
            let weighting = try options.importance.map { try GGUFImportancePlan(plan, matrix: $0.matrix) }
            if let refused = run.refused {
                #expect(throws: GGUFImportanceError.required(tensor: refused, type: .q2_K, fileType: run.type), "\(what)") {
                    try GGUFImportancePlan.checkRequirement(plan, weights: weighting?.weights ?? [:])
                }
                continue
            }
            try GGUFImportancePlan.checkRequirement(plan, weights: weighting?.weights ?? [:])
            #expect(plan.tensors.map(\.name) == model.output_order, "\(what)")
            let expected = try #require(run.types)
            let mismatches = zip(plan.tensors, expected).filter { $0.0.outputType.rawValue != $0.1 }
                .map { "\($0.0.name): ours \($0.0.outputType), llama-quantize's \(GGMLType(rawValue: $0.1)!)" }
            #expect(mismatches.isEmpty, "\(what): \(mismatches.prefix(5).joined(separator: "; "))")
            let written = try #require(run.metadata)
            let ours = options.importance.map { $0.metadata(after: plan.metadata) } ?? plan.metadata
            #expect(ours == MixFixture.metadata(written), "\(what)")
        }
    }

    @Test(arguments: MixFixture.file.tiny_llama.indices)
    func filesAreLlamaQuantizesByteForByte(run index: Int) throws {
        let expected = MixFixture.file.tiny_llama[index]
        let input = fixturesFolder.appendingPathComponent("gguf/pure/tiny_llama.gguf").path
        let output = "\(NSTemporaryDirectory())/gguf-mix-\(getpid())-\(UUID().uuidString).gguf"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let report = try quantizeGGUF(input: input, output: output, options: MixFixture.options(expected.type, expected.options),
                                      threads: 2)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: output)))
        #expect(bytes.count == expected.size, "\(expected.type) \(expected.options)")
        #expect(sha256Hex(bytes) == expected.sha256, "\(expected.type) \(expected.options)")
        #expect(report.written && !report.pure)
    }

    @Test func theMixesAreNotThePureTypes() throws {
        // So that the fixture's runs pin the mix: Q4_K_M on llama2 differs from --pure somewhere.
        let model = try #require(MixFixture.models["llama2"])
        let run = try #require(model.runs.first { $0.type == "Q4_K_M" && $0.options.isEmpty })
        let pure = try GGUFPlan(metadata: MixFixture.metadata(model.metadata), tensors: MixFixture.tensors(model.tensors),
                                options: .pure("Q4_K_M"))
        #expect(pure.tensors.map(\.outputType.rawValue) != run.types)
    }
}

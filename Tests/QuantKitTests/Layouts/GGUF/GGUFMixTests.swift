import Foundation
import Testing
@testable import QuantKit

/// Fixtures/gguf/mix/expected.json (make_mix_fixtures.py): small synthetic headers (llama with
/// 2, 8 and 32 layers, with and without GQA and tied embeddings, an 80-layer GQA llama, an
/// 8-expert llama, falcon with its fused attn_qkv, bert) and, for every file type and a few
/// option combinations, the type the real llama-quantize gave each tensor.
private enum MixFixture {
    struct Run: Decodable {
        let type: String
        let options: [String]
        let types: [UInt32]?
        let refused: Bool?
        let metadata: [[Scalar]]?
    }

    struct Model: Decodable {
        let metadata: [[Scalar]]
        let tensors: [[Scalar]]
        let output_order: [String]
        let runs: [Run]
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
        #expect(model.runs.count == 26)
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

import Foundation
import Testing
@testable import QuantKit

extension GGUFQuantizationOptions {
    /// The options of `llama-quantize --pure IN OUT name` (a file type name the tests know).
    static func pure(_ name: String, importance: GGUFImportance? = nil) -> GGUFQuantizationOptions {
        var options = GGUFQuantizationOptions(fileType: LlamaFileType(named: name)!)
        options.pure = true
        options.importance = importance
        return options
    }

    /// The options of `llama-quantize IN OUT name`.
    static func mix(_ name: String) -> GGUFQuantizationOptions {
        GGUFQuantizationOptions(fileType: LlamaFileType(named: name)!)
    }

    /// The options of a run as the fixture scripts spell it: `name` (`mix(name)`) or
    /// `name+pure` (`pure(name)`).
    static func run(_ run: String) -> GGUFQuantizationOptions {
        let parts = run.split(separator: "+")
        return parts.count > 1 ? .pure(String(parts[0])) : .mix(String(parts[0]))
    }
}

/// What make_pure_fixtures.py, make_requantize_fixtures.py and make_split_fixtures.py record of a
/// file the real llama-quantize wrote (Fixtures/gguf/llama_quantize.py's `describe`): its size
/// and SHA-256, its metadata keys in order, and per tensor its name, ggml type and data SHA-256.
struct LlamaQuantizeOutput: Decodable {
    struct Tensor: Decodable {
        let name: String
        let type: UInt32
        let sha256: String
    }

    let size: Int
    let sha256: String
    let keys: [String]
    let tensors: [Tensor]
}

/// A path no other test uses, in the temporary folder: `gguf-<suite>-<pid>-<UUID>-<name>`.
func ggufTemporaryPath(_ suite: String, _ name: String) -> String {
    "\(NSTemporaryDirectory())/gguf-\(suite)-\(getpid())-\(UUID().uuidString)-\(name)"
}

/// Expects the GGUF file at `path` to be llama-quantize's `expected` byte for byte (size and
/// SHA-256), and its metadata keys, tensor names and tensor types, so that a difference says
/// where it is. Returns the file, read back.
@discardableResult
func expectLlamaQuantizes(_ path: String, _ expected: LlamaQuantizeOutput, _ comment: Comment? = nil,
                          sourceLocation: SourceLocation = #_sourceLocation) throws -> GGUFSource {
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    #expect(bytes.count == expected.size, comment, sourceLocation: sourceLocation)
    #expect(sha256Hex(bytes) == expected.sha256, comment, sourceLocation: sourceLocation)
    let written = try GGUFSource(path: path)
    #expect(written.metadata.compactMap(\.key.string) == expected.keys, sourceLocation: sourceLocation)
    #expect(written.ggmlTensors.map(\.name) == expected.tensors.map(\.name), sourceLocation: sourceLocation)
    #expect(written.ggmlTensors.map(\.type.rawValue) == expected.tensors.map(\.type), sourceLocation: sourceLocation)
    return written
}

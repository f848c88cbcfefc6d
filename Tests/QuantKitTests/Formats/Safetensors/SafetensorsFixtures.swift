import Foundation
import Testing
@testable import QuantKit

/// The files under `Fixtures/safetensors`, written by `Fixtures/safetensors/generate.py`.
enum SafetensorsFixtures {
    /// `Fixtures/safetensors` in the package, found from this source file (`Tests/QuantKitTests/`).
    static let directory = fixturesFolder.appendingPathComponent("safetensors")

    static func path(_ relative: String) -> String {
        directory.appendingPathComponent(relative).path
    }

    /// One valid file as `valid/expected.json` describes it.
    struct Expectation: Decodable, Sendable, CustomTestStringConvertible {
        struct Entry: Decodable, Sendable {
            let name: String
            let dtype: String
            let shape: [Int]
            /// The elements in C order, little-endian.
            let hex: String
            /// For floating types: the exact float32 values, little-endian.
            let float32Hex: String?
        }

        let file: String
        let metadata: [String: String]
        /// In data-offset order.
        let tensors: [Entry]

        var testDescription: String { file }
    }

    /// Every entry of `expected.json`, or none when it cannot be read (a test checks the count).
    static let expectations: [Expectation] = {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("valid/expected.json")) else { return [] }
        return (try? JSONDecoder().decode([Expectation].self, from: data)) ?? []
    }()
}

/// The error `body` throws, unwrapped from its `FileError`, with the full message.
func fileFailure(_ body: () throws -> Void) -> (underlying: any Error, member: String?, message: String)? {
    do {
        try body()
        return nil
    } catch let error as FileError {
        return (error.underlying, error.member, error.description)
    } catch {
        return (error, nil, "\(error)")
    }
}

/// A fresh temporary folder's path for `name`, the folder removed by `cleanUp`.
struct TemporaryFiles {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-\(UUID().uuidString)")

    init() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func cleanUp() { try? FileManager.default.removeItem(at: folder) }
}

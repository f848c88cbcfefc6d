import Foundation
import Testing

@testable import QuantKit

/// A stored `.npz` member's CRC-32 is checked by the quantizer as it reads each piece
/// (`readLeavingCheck`, `DeferredCRC32`): damaged data is refused by name on every path through
/// the quantizer, before NaN checks, and no output is left; sound data passes on every path.
@Suite struct DeferredChecksumTests {
    /// A stored archive holding one [64, 96] float32 weight (or float16 with `half`).
    static func archive(in folder: URL, half: Bool = false) throws -> String {
        var random = QuantTestRandom(seed: 21)
        let weight = Tensor(shape: [64, 96], values: random.normals(64 * 96), storedAs: half ? .float16 : .float32)
        let path = folder.appendingPathComponent("in-\(half).npz").path
        let writer = try NPZWriter(path: path, displayPath: path, compressed: false)
        try writer.add(name: "fc.weight", tensor: weight)
        try writer.finish()
        return path
    }

    /// `path` with `bytes` written over the weight's data at element `index`.
    static func damaged(_ path: String, index: Int, elementSize: Int = 4, bytes: [UInt8]) throws -> String {
        var data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        // The first member's data: its local header (30 bytes + name), then the .npy header (128).
        let nameLength = Int(data[26]) | Int(data[27]) << 8
        let start = 30 + nameLength + 128 + elementSize * index
        data.replaceSubrange(start ..< start + bytes.count, with: bytes)
        let damaged = path + ".damaged.npz"
        try Data(data).write(to: URL(fileURLWithPath: damaged))
        return damaged
    }

    static let rules: [(String, SelectionRules)] = [
        ("per-channel, one pass", SelectionRules(defaultScheme: QuantScheme(symmetric: true, granularity: .perChannel(axis: 0)))),
        ("group-wise 4-bit, one pass, packed", SelectionRules(defaultScheme: QuantScheme(symmetric: false, granularity: .perGroup(size: 32), bits: 4))),
        ("per tensor, two passes", SelectionRules(defaultScheme: QuantScheme(symmetric: true, granularity: .perTensor))),
        ("last axis, interleaved", SelectionRules(defaultScheme: QuantScheme(symmetric: true, granularity: .perChannel(axis: 1)))),
    ]

    func quantize(_ input: String, to output: String, _ rules: SelectionRules) throws {
        _ = try quantizeFile(source: try NPZSource(path: input), outputPath: output, rules: rules, layout: NPZLayout(),
                             overwrite: true, threads: 2)
    }

    @Test func damagedDataIsRefusedAsSuchOnEveryPathAndNothingIsWritten() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("deferred-crc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for half in [false, true] {
            let input = try Self.archive(in: folder, half: half)
            let size = half ? 2 : 4
            // A flipped bit, and a value made NaN (the checksum is reported, not the NaN).
            for bytes: [UInt8] in [[0x10], half ? [0xFF, 0x7F] : [0xFF, 0xFF, 0xFF, 0x7F]] {
                let damaged = try Self.damaged(input, index: 4000, elementSize: size, bytes: bytes)
                for (label, rules) in Self.rules {
                    let output = folder.appendingPathComponent("out.npz").path
                    let failure = try #require(fileFailure { try quantize(damaged, to: output, rules) }, "\(label)")
                    #expect(failure.message.contains("CRC-32 mismatch"), "\(label), half \(half): \(failure.message)")
                    #expect(!FileManager.default.fileExists(atPath: output), "\(label)")
                }
            }
            for (label, rules) in Self.rules {
                try quantize(input, to: folder.appendingPathComponent("ok.npz").path, rules)
                #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("ok.npz").path), "\(label)")
            }
        }
    }
}

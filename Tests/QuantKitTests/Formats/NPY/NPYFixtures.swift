import Foundation
import Testing
@testable import QuantKit

/// The files under `Fixtures/npy`, written by `Fixtures/npy/generate.py`.
enum NPYFixtures {
    /// `Fixtures/npy` in the package, found from this source file (`Tests/QuantKitTests/`).
    static let directory = fixturesFolder.appendingPathComponent("npy")

    static func path(_ relative: String) -> String {
        directory.appendingPathComponent(relative).path
    }

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(relative)))
    }

    /// One valid file as `expected.json` describes it.
    struct Expectation: Decodable, Sendable, CustomTestStringConvertible {
        let file: String
        let dtype: String
        let shape: [Int]
        let bigEndian: Bool
        let fortranOrder: Bool
        /// The array's elements in C order, little-endian, as NumPy holds them.
        let littleEndianHex: String
        /// For floating types: NumPy's `astype(float32)` of the elements, little-endian.
        let float32Hex: String?
        /// Whether the file is byte for byte what `np.save` writes for the array.
        let identicalToNpSave: Bool

        var testDescription: String { file }
    }

    /// Every entry of `expected.json`, or none when it cannot be read (a test checks the count).
    static let expectations: [Expectation] = {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("expected.json")) else { return [] }
        return (try? JSONDecoder().decode([Expectation].self, from: data)) ?? []
    }()

    static func hexBytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0 ..< $0 + 2], as: UTF8.self), radix: 16)! }
    }

    /// A file of version `major`.0 whose header dict is `dict` (UTF-8, which is latin1 for ASCII),
    /// padded with spaces to 64 bytes, then `data`.
    static func npy(dict: String, data: [UInt8] = [], major: UInt8 = 1) -> [UInt8] {
        let prefixLength = major == 1 ? 10 : 12
        var body = Array(dict.utf8)
        body += [UInt8](repeating: 0x20, count: (64 - (prefixLength + body.count + 1) % 64) % 64) + [0x0a]
        let length: [UInt8] = major == 1
            ? withUnsafeBytes(of: UInt16(body.count).littleEndian) { Array($0) }
            : withUnsafeBytes(of: UInt32(body.count).littleEndian) { Array($0) }
        return NPYHeader.magic + [major, 0] + length + body + data
    }

    /// The header of a file with the standard dict for `descr` and `shape`.
    static func header(descr: String, shape: String = "(2,)") throws(NPYError) -> NPYHeader {
        try NPYHeader.parse(npy(dict: "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"))
    }
}

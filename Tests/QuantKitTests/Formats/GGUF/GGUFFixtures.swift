import Foundation
import Testing
@testable import QuantKit

/// The files under `Fixtures/gguf`, written by gguf-py (`Fixtures/gguf/make_fixtures.py`), and
/// what that script recorded about them in `expected.json`.
enum GGUFFixtures {
    static let directory = fixturesFolder.appendingPathComponent("gguf")

    static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    struct Expectation: Decodable, Sendable, CustomTestStringConvertible {
        struct Entry: Decodable, Sendable {
            let key: String
            /// `GGUFFixtures.rendered(_:)` of the value.
            let value: String
        }

        struct Tensor: Decodable, Sendable {
            let name: String
            let type: UInt32
            /// Innermost first, as stored.
            let dims: [Int]
            let offset: UInt64
            let hex: String
        }

        let file: String
        let version: UInt32
        let alignment: Int
        let data_start: UInt64
        let metadata: [Entry]
        let tensors: [Tensor]

        var testDescription: String { file }
    }

    /// Every entry of `expected.json`, or none when it cannot be read (a test checks the count).
    static let expectations: [Expectation] = {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("expected.json")) else { return [] }
        return (try? JSONDecoder().decode([Expectation].self, from: data)) ?? []
    }()

    /// A value as `make_fixtures.py`'s `render` writes it: `uint8:250`, `float32:3fc00000` (the
    /// bits), `bool:true`, `string:68c3a9` (the bytes), `array<int32>[int32:1,int32:2]`.
    static func rendered(_ value: GGUFValue) -> String {
        switch value {
        case .uint8(let number): "uint8:\(number)"
        case .int8(let number): "int8:\(number)"
        case .uint16(let number): "uint16:\(number)"
        case .int16(let number): "int16:\(number)"
        case .uint32(let number): "uint32:\(number)"
        case .int32(let number): "int32:\(number)"
        case .uint64(let number): "uint64:\(number)"
        case .int64(let number): "int64:\(number)"
        case .float32(let number): "float32:" + hex(number.bitPattern)
        case .float64(let number): "float64:" + hex(number.bitPattern)
        case .bool(let flag): "bool:\(flag)"
        case .string(let string): "string:" + hex(string.bytes)
        case .array(let array): "array<\(array.elementType)>[" + elements(array).map(rendered).joined(separator: ",") + "]"
        }
    }

    /// The elements of `array` as values.
    static func elements(_ array: GGUFArray) -> [GGUFValue] {
        switch array {
        case .uint8(let values): values.map(GGUFValue.uint8)
        case .int8(let values): values.map(GGUFValue.int8)
        case .uint16(let values): values.map(GGUFValue.uint16)
        case .int16(let values): values.map(GGUFValue.int16)
        case .uint32(let values): values.map(GGUFValue.uint32)
        case .int32(let values): values.map(GGUFValue.int32)
        case .uint64(let values): values.map(GGUFValue.uint64)
        case .int64(let values): values.map(GGUFValue.int64)
        case .float32(let values): values.map(GGUFValue.float32)
        case .float64(let values): values.map(GGUFValue.float64)
        case .bool(let values): values.map(GGUFValue.bool)
        case .string(let values): values.map(GGUFValue.string)
        case .array(let values): values.map(GGUFValue.array)
        }
    }

    /// The bits of `value`, big-endian hex, all digits.
    static func hex<T: FixedWidthInteger>(_ value: T) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: MemoryLayout<T>.size * 2 - digits.count) + digits
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0 ..< $0 + 2], as: UTF8.self), radix: 16)! }
    }
}

/// A GGUF file built field by field, for inputs gguf-py would not write.
struct GGUFBytes {
    var bytes: [UInt8] = []

    mutating func u32(_ value: UInt32) { bytes.appendLittleEndian(value) }
    mutating func u64(_ value: UInt64) { bytes.appendLittleEndian(value) }
    mutating func string(_ text: String) {
        u64(UInt64(text.utf8.count))
        bytes += Array(text.utf8)
    }

    /// The preamble: `GGUF`, the version and the two counts.
    static func preamble(version: UInt32 = 3, tensors: UInt64, entries: UInt64) -> GGUFBytes {
        var file = GGUFBytes(bytes: Array("GGUF".utf8))
        file.u32(version)
        file.u64(tensors)
        file.u64(entries)
        return file
    }

    /// One tensor info.
    mutating func tensor(_ name: String, dims: [UInt64], type: UInt32 = 0, offset: UInt64 = 0, dimensionCount: UInt32? = nil) {
        string(name)
        u32(dimensionCount ?? UInt32(dims.count))
        for dim in dims { u64(dim) }
        u32(type)
        u64(offset)
    }

    /// Zeros to the next multiple of `alignment`, then `data` zero bytes.
    mutating func padAndData(_ data: Int, alignment: Int = 32) {
        bytes += [UInt8](repeating: 0, count: (alignment - bytes.count % alignment) % alignment + data)
    }

    /// The header parsed as a whole file.
    func parse() throws(GGUFError) -> GGUFHeader {
        try GGUFHeader.parse(prefix: bytes, fileSize: UInt64(bytes.count))
    }
}

import Foundation
import Testing
@testable import QuantKit

/// The explicit bounds on what one file may make `quantize` hold or parse, each refused with its
/// own error before the work it would cost: header sizes, JSON nesting, entry and tensor counts,
/// and shapes far larger than the file.
@Suite struct ResourceBoundsTests {
    /// A version 2 `.npy` prelude whose length field is `dictLength`.
    static func npyPrelude(dictLength: UInt32) -> [UInt8] {
        NPYHeader.magic + [2, 0] + withUnsafeBytes(of: dictLength.littleEndian) { Array($0) }
    }

    static func npyFile(shape: String, data: Int) -> [UInt8] {
        var dict = Array("{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }".utf8)
        dict += [UInt8](repeating: 0x20, count: 63 - (10 + dict.count) % 64) + [0x0A]
        return NPYHeader.magic + [1, 0, UInt8(dict.count & 0xFF), UInt8(dict.count >> 8)] + dict
            + [UInt8](repeating: 0, count: data)
    }

    static func safetensorsFile(header: String, data: Int = 0) -> [UInt8] {
        let json = Array(header.utf8)
        return withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) } + json + [UInt8](repeating: 0, count: data)
    }

    static func write(_ bytes: [UInt8], to name: String, in files: TemporaryFiles) throws -> String {
        let path = files.path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func npyHeaderLongerThanTheLimitIsRefusedBeforeItIsRead() throws {
        #expect(throws: NPYError.headerTooLarge(declared: 100_001, limit: 100_000)) {
            try NPYHeader.totalHeaderLength(prelude: Self.npyPrelude(dictLength: 100_001))
        }
        #expect(throws: NPYError.headerTooLarge(declared: Int(UInt32.max), limit: 100_000)) {
            try NPYHeader.totalHeaderLength(prelude: Self.npyPrelude(dictLength: .max))
        }
        #expect(try NPYHeader.totalHeaderLength(prelude: Self.npyPrelude(dictLength: 100_000)) == 100_012)
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = try Self.write(Self.npyPrelude(dictLength: .max) + [0x7B], to: "huge_header.npy", in: files)
        #expect(fileFailure { _ = try NPYFileSource(path: path) }?.message
            == "\(path): the .npy header length (4294967295 bytes) exceeds the limit of 100000 bytes")
    }

    @Test func npyShapeOfTwoToTheThirtyOneElementsOnATinyFileIsRefused() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = try Self.write(Self.npyFile(shape: "(2147483648,)", data: 4), to: "big.npy", in: files)
        #expect(fileFailure { _ = try NPYFileSource(path: path) }?.underlying as? NPYError
            == .truncatedData(expected: 8_589_934_592, actual: 4))
        #expect(throws: NPYError.truncatedData(expected: 8_589_934_592, actual: 4)) {
            try readNPY(bytes: Self.npyFile(shape: "(2147483648,)", data: 4))
        }
    }

    @Test func safetensorsHeaderNestedDeeperThan64IsRefusedBeforeParsing() throws {
        let deep = { (depth: Int) in
            "{\"x\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4],\"n\":"
                + String(repeating: "[", count: depth - 2) + String(repeating: "]", count: depth - 2) + "}}"
        }
        #expect(throws: SafetensorsError.headerNestedTooDeep(limit: 64)) {
            try SafetensorsHeader.parse(json: Array(deep(65).utf8), dataSize: 4)
        }
        #expect(throws: SafetensorsError.headerNestedTooDeep(limit: 64)) {
            try SafetensorsHeader.parse(json: Array(deep(1_000_000).utf8), dataSize: 4)
        }
        // 64 levels pass (an entry's unknown fields are ignored, as the reference ignores them).
        #expect(try SafetensorsHeader.parse(json: Array(deep(64).utf8), dataSize: 4).entries.count == 1)
        #expect(jsonNesting(of: Array(deep(64).utf8)).depth == 64)
    }

    @Test func safetensorsHeaderWithMoreThanAMillionEntriesIsRefusedBeforeParsing() throws {
        var json = "{"
        json.reserveCapacity(16 << 20)
        for index in 0 ... SafetensorsHeader.maxTensorCount {
            json += "\"t\(index)\":{},"
        }
        json.removeLast()
        json += "}"
        #expect(throws: SafetensorsError.tooManyTensors(count: 1_000_001, limit: 1_000_000)) {
            try SafetensorsHeader.parse(json: Array(json.utf8), dataSize: 0)
        }
    }

    @Test func safetensorsShapeOfTwoToTheThirtyOneElementsOnATinyFileIsRefused() throws {
        let header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2147483648],\"data_offsets\":[0,8589934592]}}"
        #expect(throws: SafetensorsError.offsetsPastEnd(tensor: "w", end: 8_589_934_592, dataSize: 4)) {
            try SafetensorsHeader.parse(json: Array(header.utf8), dataSize: 4)
        }
    }

    @Test func jsonNestingIgnoresBracketsAndColonsInStrings() {
        #expect(jsonNesting(of: Array(#"{"a[{:":"]]}}\"[","b":[[1]]}"#.utf8)) == (3, 2))
        #expect(jsonNesting(of: Array("[{\"a\":1}]".utf8)) == (2, 0))
        #expect(jsonNesting(of: Array("7".utf8)) == (0, 0))
    }

    @Test func metadataNestedDeeperThan64IsRefused() {
        let json = "{\"format\":" + String(repeating: "[", count: 64) + String(repeating: "]", count: 64) + "}"
        #expect(throws: ArchiveError.invalidMetadata("JSON nests arrays or objects deeper than 64 levels")) {
            try ArchiveMetadata.decode(Array(json.utf8))
        }
    }

    /// An end record declaring 65535 entries over an empty central directory is refused before
    /// anything is allocated for the entries (each needs at least 46 bytes).
    @Test func zipDeclaringMoreEntriesThanItsDirectoryHoldsIsRefused() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        var end: [UInt8] = [0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0]
        end += [0xFF, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 10)
        let path = try Self.write(end, to: "many.zip", in: files)
        #expect(throws: ZipError.entryCountMismatch(declared: 65535, found: 0)) { try ZipReader(path: path) }
        #expect(ZipReader.maxEntryCount == 1_000_000)
    }
}

import Foundation
import Testing
@testable import QuantKit

/// Hostile and broken GGUF files: each refused with its own error before any data is read.
@Suite struct GGUFRefusalTests {
    /// One metadata entry (`a.b`, uint32 7) and one f32 tensor `t` of 4 elements at offset 0:
    /// the header ends at 76, the data section starts at 96, the file is 112 bytes.
    static func small(dims: [UInt64] = [4], type: UInt32 = 0, offset: UInt64 = 0, dimensionCount: UInt32? = nil,
                      data: Int = 16) -> GGUFBytes {
        var file = GGUFBytes.preamble(tensors: 1, entries: 1)
        file.string("a.b")
        file.u32(GGUFValueType.uint32.rawValue)
        file.u32(7)
        file.tensor("t", dims: dims, type: type, offset: offset, dimensionCount: dimensionCount)
        file.padAndData(data)
        return file
    }

    static func refusal(_ file: GGUFBytes) -> GGUFError? {
        do {
            _ = try file.parse()
            return nil
        } catch {
            return error
        }
    }

    /// The file cut at `length` bytes, as a whole file.
    static func refusal(_ file: GGUFBytes, cutAt length: Int) -> GGUFError? {
        refusal(GGUFBytes(bytes: Array(file.bytes.prefix(length))))
    }

    @Test func smallFileIsValid() throws {
        let header = try Self.small().parse()
        #expect(header.dataStart == 96 && header.tensors.first?.byteCount == 16 && Self.small().bytes.count == 112)
    }

    @Test func truncationAtEachHeaderBoundaryNamesTheField() {
        let file = Self.small()
        #expect(Self.refusal(file, cutAt: 0) == .truncated(field: "the magic", offset: 0, count: 4))
        #expect(Self.refusal(file, cutAt: 3) == .truncated(field: "the magic", offset: 0, count: 4))
        #expect(Self.refusal(file, cutAt: 4) == .truncated(field: "the version", offset: 4, count: 4))
        #expect(Self.refusal(file, cutAt: 8) == .truncated(field: "the tensor count", offset: 8, count: 8))
        #expect(Self.refusal(file, cutAt: 16) == .truncated(field: "the metadata entry count", offset: 16, count: 8))
        // Under 24 + 32 bytes, one tensor info cannot fit: refused by count before anything is read.
        #expect(Self.refusal(file, cutAt: 24) == .tooManyTensors(count: 1, limit: 0))
        #expect(Self.refusal(file, cutAt: 55) == .tooManyTensors(count: 1, limit: 0))
        #expect(Self.refusal(file, cutAt: 56) == .truncated(field: "the dimensions of 't'", offset: 56, count: 8))
        #expect(Self.refusal(file, cutAt: 64) == .truncated(field: "the type of 't'", offset: 64, count: 4))
        #expect(Self.refusal(file, cutAt: 68) == .truncated(field: "the offset of 't'", offset: 68, count: 8))
        #expect(Self.refusal(file, cutAt: 76)
            == .truncated(field: "the padding before the tensor data", offset: 76, count: 20))
        #expect(Self.refusal(file, cutAt: 96) == .dataPastEnd(tensor: "t", offset: 0, byteCount: 16, dataSize: 0))
        #expect(Self.refusal(file, cutAt: 111) == .dataPastEnd(tensor: "t", offset: 0, byteCount: 16, dataSize: 15))

        var entry = GGUFBytes.preamble(tensors: 0, entries: 1)
        entry.string("general.name")
        entry.u32(GGUFValueType.string.rawValue)
        entry.string("xy")
        #expect(Self.refusal(entry, cutAt: 37) == .tooManyMetadataEntries(count: 1, limit: 0))
        #expect(Self.refusal(entry, cutAt: 38) == .truncated(field: "the key of metadata entry 0", offset: 32, count: 12))
        #expect(Self.refusal(entry, cutAt: 44) == .truncated(field: "the value type of 'general.name'", offset: 44, count: 4))
        #expect(Self.refusal(entry, cutAt: 48)
            == .truncated(field: "the length of the value of 'general.name'", offset: 48, count: 8))
        #expect(Self.refusal(entry, cutAt: 57) == .truncated(field: "the value of 'general.name'", offset: 56, count: 2))
    }

    /// Every cut short of the last tensor's last byte is refused; cutting only the padding
    /// after it leaves a file that reads (the padding holds nothing).
    @Test func everyCutOfAGGUFPyFileBeforeTheLastTensorsEndIsRefused() throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: GGUFFixtures.path("all_types.gguf"))))
        let expected = GGUFFixtures.expectations[0]
        let last = expected.tensors.last!
        let dataEnd = Int(expected.data_start + last.offset) + last.hex.count / 2
        for length in 0 ..< bytes.count {
            let error = Self.refusal(GGUFBytes(bytes: Array(bytes.prefix(length))))
            switch error {
            case .truncated?, .tooManyTensors?, .tooManyMetadataEntries?, .arrayTooLong?, .dataPastEnd?:
                #expect(length < dataEnd)
            case nil:
                #expect(length >= dataEnd)
            default:
                Issue.record("cut at \(length): \(String(describing: error))")
            }
        }
    }

    @Test func truncatedFileIsRefusedInOneLineNamingFileAndField() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = files.path("cut.gguf")
        try Data(Self.small().bytes.prefix(64)).write(to: URL(fileURLWithPath: path))
        #expect(fileFailure { _ = try GGUFSource(path: path) }?.message
            == "\(path): file ends inside the type of 't' (4 bytes at offset 64); truncated?")
    }

    @Test func versionsOtherThanTwoAndThreeAreRefused() {
        var file = Self.small()
        for (version, error) in [(UInt32(1), GGUFError.unsupportedVersion(1)), (0, .unsupportedVersion(0)),
                                 (4, .unsupportedVersion(4)), (0x0300_0000, .bigEndian(version: 0x0300_0000))] {
            file.bytes.replaceSubrange(4 ..< 8, with: withUnsafeBytes(of: version.littleEndian, Array.init))
            #expect(Self.refusal(file) == error)
        }
        #expect("\(GGUFError.unsupportedVersion(1))"
            == "GGUF version 1 is not supported (llama.cpp no longer reads it); versions 2 and 3 are read")
        #expect("\(GGUFError.bigEndian(version: 0x0300_0000))"
            == "GGUF version field reads 50331648 (0x3000000): a big-endian file; only little-endian GGUF is read")
        file.bytes[0] = UInt8(ascii: "g")
        #expect(Self.refusal(file) == .badMagic(prefix: Array("gGUF".utf8)))
    }

    @Test func hugeCountsAreRefusedBeforeAllocating() {
        var file = Self.small()
        file.bytes.replaceSubrange(8 ..< 16, with: withUnsafeBytes(of: UInt64.max.littleEndian, Array.init))
        #expect(Self.refusal(file) == .tooManyTensors(count: .max, limit: 2))
        file = Self.small()
        file.bytes.replaceSubrange(16 ..< 24, with: withUnsafeBytes(of: UInt64(1 << 40).littleEndian, Array.init))
        #expect(Self.refusal(file) == .tooManyMetadataEntries(count: 1 << 40, limit: 6))
        var array = GGUFBytes.preamble(tensors: 0, entries: 1)
        array.string("k")
        array.u32(GGUFValueType.array.rawValue)
        array.u32(GGUFValueType.uint32.rawValue)
        array.u64(1 << 40)
        array.bytes += [UInt8](repeating: 0, count: 40)
        #expect(Self.refusal(array) == .arrayTooLong(key: GGUFString("k"), count: 1 << 40, limit: 10))
        #expect("\(GGUFError.arrayTooLong(key: GGUFString("k"), count: 1 << 40, limit: 10))"
            == "metadata 'k' declares an array of 1099511627776 elements; at most 10 fit")
    }

    @Test func tensorPlacementIsChecked() {
        #expect(Self.refusal(Self.small(offset: 32)) == .dataPastEnd(tensor: "t", offset: 32, byteCount: 16, dataSize: 16))
        #expect(Self.refusal(Self.small(offset: UInt64.max - 31))
            == .dataPastEnd(tensor: "t", offset: UInt64.max - 31, byteCount: 16, dataSize: 16))
        #expect(Self.refusal(Self.small(offset: 16)) == .misalignedOffset(tensor: "t", offset: 16, alignment: 32))
        var overlapping = GGUFBytes.preamble(tensors: 3, entries: 0)
        overlapping.tensor("a", dims: [16], offset: 0)
        overlapping.tensor("empty", dims: [0], offset: 32)
        overlapping.tensor("b", dims: [4], offset: 32)
        overlapping.padAndData(64)
        #expect(Self.refusal(overlapping) == .overlap(tensor: "b", other: "a"))
        var duplicate = GGUFBytes.preamble(tensors: 2, entries: 0)
        duplicate.tensor("t", dims: [4], offset: 0)
        duplicate.tensor("t", dims: [4], offset: 32)
        duplicate.padAndData(64)
        #expect(Self.refusal(duplicate) == .duplicateTensor("t"))
    }

    @Test func tensorShapesAndTypesAreChecked() {
        #expect(Self.refusal(Self.small(dims: [], dimensionCount: 0)) == .invalidDimensionCount(tensor: "t", count: 0))
        #expect(Self.refusal(Self.small(dims: [4, 1, 1, 1, 1])) == .invalidDimensionCount(tensor: "t", count: 5))
        #expect(Self.refusal(Self.small(dims: [1 << 32, 1 << 32])) == .sizeOverflow(tensor: "t", dims: [1 << 32, 1 << 32]))
        #expect(Self.refusal(Self.small(dims: [.max])) == .sizeOverflow(tensor: "t", dims: [.max]))
        #expect(Self.refusal(Self.small(dims: [1 << 62])) == .sizeOverflow(tensor: "t", dims: [1 << 62]))
        #expect(Self.refusal(Self.small(type: 99)) == .unknownTensorType(tensor: "t", number: 99))
        #expect(Self.refusal(Self.small(type: 4)) == .unknownTensorType(tensor: "t", number: 4))
        #expect(Self.refusal(Self.small(dims: [33], type: GGMLType.q8_0.rawValue))
            == .partialBlock(tensor: "t", type: .q8_0, rowLength: 33))
        var badName = GGUFBytes.preamble(tensors: 1, entries: 0)
        badName.u64(1)
        badName.bytes.append(0xFF)
        badName.bytes += Array(Self.small().bytes[52 ..< 76])
        badName.padAndData(16)
        #expect(Self.refusal(badName) == .tensorNameNotUTF8(index: 0))
    }

    @Test func tensorProblemsNameFileAndTensor() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = files.path("bad.gguf")
        for (file, message) in [
            (Self.small(type: 99), "'t': ggml type 99 is not a type this tool knows"),
            (Self.small(dims: [4, 1, 1, 1, 1]), "'t': 5 dimensions; ggml tensors have 1 to 4"),
            (Self.small(offset: 16), "'t': offset 16 is not a multiple of the alignment (32)"),
            (Self.small(offset: 32), "'t': 16 bytes at offset 32 run past the end of the data section (16 bytes)"),
            (Self.small(dims: [1 << 32, 1 << 32]), "'t': dimensions [4294967296, 4294967296] (innermost first) overflow 64 bits"),
        ] {
            try Data(file.bytes).write(to: URL(fileURLWithPath: path))
            #expect(fileFailure { _ = try GGUFSource(path: path) }?.message == "\(path): \(message)")
        }
    }

    /// A file whose metadata is `entries`, each a key, a type number and the value's bytes.
    static func metadata(_ entries: [(key: String, type: UInt32, value: [UInt8])]) -> GGUFBytes {
        var file = GGUFBytes.preamble(tensors: 0, entries: UInt64(entries.count))
        for entry in entries {
            file.string(entry.key)
            file.u32(entry.type)
            file.bytes += entry.value
        }
        return file
    }

    @Test func metadataIsChecked() {
        let u32 = GGUFValueType.uint32.rawValue
        #expect(Self.refusal(Self.metadata([("general.alignment", u32, [48, 0, 0, 0])])) == .alignmentNotPowerOfTwo(48))
        #expect(Self.refusal(Self.metadata([("general.alignment", u32, [0, 0, 0, 0])])) == .alignmentNotPowerOfTwo(0))
        #expect(Self.refusal(Self.metadata([("general.alignment", GGUFValueType.uint16.rawValue, [32, 0])]))
            == .alignmentNotUInt32(.uint16))
        #expect(Self.refusal(Self.metadata([("k", 13, [0, 0, 0, 0])])) == .unknownValueType(key: GGUFString("k"), number: 13))
        #expect(Self.refusal(Self.metadata([("", u32, [0, 0, 0, 0])])) == .emptyKey(index: 0))
        #expect(Self.refusal(Self.metadata([("k", u32, [0, 0, 0, 0]), ("k", u32, [0, 0, 0, 0])])) == .duplicateKey(GGUFString("k")))
        let nested = (0 ..< 70).flatMap { _ in [9, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0] as [UInt8] }
        #expect(Self.refusal(Self.metadata([("deep", GGUFValueType.array.rawValue, nested)]))
            == .arrayNestedTooDeep(key: GGUFString("deep"), limit: 64))
    }

    @Test func alignmentOf64PlacesTheDataThere() throws {
        var file = Self.metadata([("general.alignment", GGUFValueType.uint32.rawValue, [64, 0, 0, 0])])
        file.bytes.replaceSubrange(8 ..< 16, with: withUnsafeBytes(of: UInt64(1).littleEndian, Array.init))
        file.tensor("t", dims: [4], offset: 0)
        file.padAndData(16, alignment: 64)
        let header = try file.parse()
        #expect(header.alignment == 64 && header.dataStart == 128)
    }
}

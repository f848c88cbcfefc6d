import Foundation
import Testing

@testable import QuantKit

/// `GGUFInspection` on gguf-py's files (Fixtures/gguf, expected.json) and on files with the
/// problems llama.cpp stops at.
@Suite struct GGUFInspectionTests {
    @Test(arguments: GGUFFixtures.expectations)
    func listsWhatGGUFPyWrote(_ expected: GGUFFixtures.Expectation) throws {
        let path = GGUFFixtures.path(expected.file)
        let source = try GGUFSource(path: path)
        let inspection = try GGUFInspection(source: source, fileSize: source.fileSize)
        #expect(inspection.version == expected.version && inspection.alignment == expected.alignment)
        #expect(inspection.dataStart == expected.data_start)
        #expect(inspection.metadata.map(\.key) == expected.metadata.map(\.key))
        // gguf-py's rendering starts with the type (`uint8:250`, `array<int32>[...]`).
        for (entry, wanted) in zip(inspection.metadata, expected.metadata) where !wanted.value.hasPrefix("array<array") {
            #expect(wanted.value.hasPrefix(entry.type + (entry.type.hasPrefix("array") ? "[" : ":")), "\(entry.key)")
        }
        #expect(inspection.tensors.map(\.name) == expected.tensors.map(\.name))
        for (tensor, wanted) in zip(inspection.tensors, expected.tensors) {
            #expect(tensor.type == GGMLType(rawValue: wanted.type)!.description && tensor.dims == wanted.dims)
            #expect(tensor.shape == wanted.dims.reversed() && tensor.offset == wanted.offset && tensor.bytes == wanted.hex.count / 2)
        }
        let bytes = expected.tensors.reduce(0) { $0 + $1.hex.count / 2 }
        let elements = expected.tensors.reduce(0) { $0 + $1.dims.reduce(1, *) }
        #expect(inspection.totalBytes == bytes && inspection.totalElements == elements)
        #expect(inspection.bitsPerWeight == Double(bytes) * 8 / Double(elements))
        #expect(inspection.problems.isEmpty)
    }

    @Test func valuesAreSummarizedOnOneLine() throws {
        let long = String(repeating: "ab", count: 40)
        let cases: [(GGUFValue, String, String)] = [
            (.uint32(7), "uint32", "7"),
            (.string(GGUFString("say \"hi\"\n")), "string", #""say \"hi\"\n""#),
            (.string(GGUFString(long)), "string", "\"" + String(long.prefix(60)) + "…\" (80 bytes)"),
            (.string(GGUFString(bytes: [0xFF, 0x41])), "string", "0xff41 (not UTF-8)"),
            (.array(.string(["<unk>", "<s>", "</s>", "a", "b"].map(GGUFString.init))), "array<string>",
             #"5 × ["<unk>", "<s>", "</s>", "a", …]"#),
            (.array(.float32([0.5, -1])), "array<float32>", "2 × [0.5, -1.0]"),
            (.array(.array([.int32([1]), .int32([])])), "array<array<int32>>", "2 × [1 × [1], 0 × []]"),
        ]
        for (value, type, summary) in cases {
            #expect(typeName(of: value) == type)
            #expect(summarizedValue(value) == summary)
        }
    }

    /// Two f32 tensors of 16 bytes, the second at `secondOffset` (ggml expects 32).
    static func twoTensors(secondOffset: UInt64) -> GGUFBytes {
        var file = GGUFBytes.preamble(tensors: 2, entries: 0)
        file.tensor("a", dims: [4], offset: 0)
        file.tensor("b", dims: [4], offset: secondOffset)
        file.padAndData(Int(secondOffset) + 16)
        return file
    }

    @Test func aTensorWhereLlamaCppDoesNotExpectItIsAProblem() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        for (offset, problems) in [(UInt64(32), [String]()), (64, ["'b': offset 64, where llama.cpp expects 32 (the end of the "
                                                                     + "tensor before it, padded to 32); llama.cpp refuses the file"])] {
            let path = files.path("gap\(offset).gguf")
            try Data(Self.twoTensors(secondOffset: offset).bytes).write(to: URL(fileURLWithPath: path))
            let source = try GGUFSource(path: path)
            #expect(try GGUFInspection(source: source, fileSize: source.fileSize).problems == problems)
        }
    }

    /// q4_1 blocks (d at 0, m at 2) whose scales are NaN or infinite in blocks 3, 4 and 9.
    @Test func nonFiniteScalesAreAProblemNamingTheFirstBlock() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        var blocks = [UInt8](repeating: 0, count: 12 * 20)
        for (block, offset, bits) in [(3, 0, UInt16(0x7C00)), (4, 2, 0xFE01), (9, 0, 0xFC00), (9, 2, 0x7E00), (10, 0, 0x7BFF)] {
            blocks[block * 20 + offset] = UInt8(bits & 0xFF)
            blocks[block * 20 + offset + 1] = UInt8(bits >> 8)
        }
        let path = files.path("nan.gguf")
        let writer = try GGUFWriter(path: path, metadata: [], tensors: [GGUFTensorDeclaration(name: "w", type: .q4_1, dims: [64, 6])])
        try blocks.withUnsafeBytes { try writer.add(name: "w", bytes: $0) }
        try writer.finish()
        let source = try GGUFSource(path: path)
        let inspection = try GGUFInspection(source: source, fileSize: source.fileSize)
        #expect(inspection.problems == ["'w': 3 of 12 q4_1 blocks have a NaN or infinite scale (the first: block 3); "
                                        + "llama.cpp's validation refuses them and they read as NaN"])
        #expect(countNonFiniteScales(.q4_1, blocks: UnsafeRawBufferPointer(start: nil, count: 0)) == (0, nil))
    }

    @Test func scaleOffsetsAreThoseOfTheReadableBlockTypes() {
        // The FP4 types' scales are bytes (E8M0, unsigned E4M3), not binary16 fields.
        let binary16Scaled = GGMLDequantizers.types.filter { $0.dtype == nil && !GGMLFP4Quantizer.types.contains($0) }
        #expect(GGMLType.allCases.filter { $0.scaleOffsets != nil } == binary16Scaled)
        for type in GGMLDequantizers.types { #expect(type.scaleOffsets?.allSatisfy { $0 + 2 <= type.blockBytes } ?? true) }
    }
}

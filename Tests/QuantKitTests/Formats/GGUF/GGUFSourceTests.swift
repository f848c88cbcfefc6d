import Foundation
import Testing
@testable import QuantKit

/// `GGUFSource` on files gguf-py wrote: everything `make_fixtures.py` put in is what we read.
@Suite struct GGUFSourceTests {
    @Test func everyFixtureIsDescribed() {
        #expect(GGUFFixtures.expectations.map(\.file) == ["all_types.gguf", "aligned64.gguf"])
    }

    @Test(arguments: GGUFFixtures.expectations)
    func headerIsWhatGGUFPyWrote(_ expected: GGUFFixtures.Expectation) throws {
        let source = try GGUFSource(path: GGUFFixtures.path(expected.file))
        #expect(source.header.version == expected.version)
        #expect(source.header.alignment == expected.alignment)
        #expect(source.header.dataStart == expected.data_start)
        #expect(source.metadata.map { $0.key.string } == expected.metadata.map(\.key))
        for (entry, wanted) in zip(source.metadata, expected.metadata) {
            #expect(GGUFFixtures.rendered(entry.value) == wanted.value, "\(wanted.key)")
        }
        #expect(source.ggmlTensors.map(\.name) == expected.tensors.map(\.name))
        for (tensor, wanted) in zip(source.ggmlTensors, expected.tensors) {
            #expect(tensor.type.rawValue == wanted.type && tensor.dims == wanted.dims && tensor.offset == wanted.offset)
            #expect(tensor.byteCount == wanted.hex.count / 2)
        }
    }

    @Test(arguments: GGUFFixtures.expectations)
    func tensorsLoadAsTheirDTypesInCOrder(_ expected: GGUFFixtures.Expectation) throws {
        let source = try GGUFSource(path: GGUFFixtures.path(expected.file))
        let scratch = ScratchBuffer()
        let arrays = expected.tensors.filter { GGMLType(rawValue: $0.type)?.dtype != nil }
        #expect(source.tensors.map(\.name) == expected.tensors.map(\.name))
        for (info, wanted) in zip(source.tensors.filter { source.storedBlocks(of: $0.name) == nil }, arrays) {
            #expect(info.shape == wanted.dims.reversed())
            #expect(info.dtype == GGMLType(rawValue: wanted.type)!.dtype)
            let tensor = try source.load(info.name)
            #expect(tensor.dtype == info.dtype && tensor.shape == info.shape)
            #expect(GGUFFixtures.hex(tensor.bytes) == wanted.hex)
            let (readInfo, bytes) = try source.read(info.name, into: scratch)
            #expect(readInfo == info && GGUFFixtures.hex(Array(bytes)) == wanted.hex)
            var copied: [UInt8] = []
            try source.copy(info.name, pieceSize: 7) { copied += $0 }
            #expect(GGUFFixtures.hex(copied) == wanted.hex)
        }
    }

    /// all_types.gguf's q8_0 tensor (gguf-py's bytes) reads as float32, its blocks dequantized;
    /// its stored bytes stay available as they are.
    @Test func blockTypeTensorReadsAsFloat32() throws {
        let path = GGUFFixtures.path("all_types.gguf")
        let source = try GGUFSource(path: path)
        let name = "blk.0.attn_k.weight"
        let tensor = try source.ggmlTensor(name)
        #expect(source.unreadableTensors.isEmpty)
        #expect(source.tensors.first { $0.name == name } == TensorInfo(name: name, dtype: .float32, shape: tensor.shape))
        #expect(source.storedBlocks(of: name)?.typeName == "q8_0" && source.storedBlocks(of: name)?.byteCount == tensor.byteCount)
        var stored: [UInt8] = []
        try source.copyStoredBytes(name, pieceSize: 50) { stored += $0 }
        #expect(GGUFFixtures.hex(stored) == GGUFFixtures.expectations[0].tensors[3].hex)
        var values = [Float](repeating: 0, count: tensor.elementCount)
        try stored.withUnsafeBytes { blocks in
            try values.withUnsafeMutableBufferPointer { try GGMLDequantizers.dequantize(.q8_0, blocks: blocks, into: $0) }
        }
        #expect(try source.load(name).floatValues() == values)
        #expect(fileFailure { _ = try source.load("missing") }?.message == "\(path): no tensor called 'missing'")
    }

    @Test func headerMetadataHoldsTheStringValues() throws {
        let source = try GGUFSource(path: GGUFFixtures.path("all_types.gguf"))
        #expect(source.headerMetadata == [
            "general.architecture": "llama", "general.name": "tiny test model", "test.unicode": "h\u{e9}llo \u{2713} \u{1F600}",
        ])
    }

    @Test func openTensorSourceOpensGGUFByMagicAndBySuffix() throws {
        #expect(try openTensorSource(path: GGUFFixtures.path("aligned64.gguf")) is GGUFSource)
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let renamed = files.path("model.bin")
        try FileManager.default.copyItem(atPath: GGUFFixtures.path("aligned64.gguf"), toPath: renamed)
        #expect(try openTensorSource(path: renamed) is GGUFSource)
        let notGGUF = files.path("model.gguf")
        try Data("GGML????".utf8).write(to: URL(fileURLWithPath: notGGUF))
        #expect(fileFailure { _ = try openTensorSource(path: notGGUF) }?.message
            == "\(notGGUF): not a GGUF file (starts with \"GGML\", not \"GGUF\")")
    }

    @Test func versionTwoReadsAsVersionThree() throws {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: GGUFFixtures.path("all_types.gguf"))))
        bytes[4] = 2
        let header = try GGUFHeader.parse(prefix: bytes, fileSize: UInt64(bytes.count))
        #expect(header.version == 2)
        #expect(header.tensors.count == 7 && header.metadata.count == 30)
    }

    @Test func headerLongerThanTheFirstReadIsReadInFull() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = files.path("long.gguf")
        let long = GGUFString(String(repeating: "x", count: 3 << 20))
        let writer = try GGUFWriter(path: path, metadata: [GGUFMetadataEntry("long", .string(long))],
                                    tensors: [GGUFTensorDeclaration(name: "t", type: .f32, dims: [2])])
        try [Float(1), 2].withUnsafeBytes { try writer.add(name: "t", bytes: $0) }
        try writer.finish()
        let source = try GGUFSource(path: path)
        #expect(source.metadata == [GGUFMetadataEntry("long", .string(long))])
        #expect(try source.load("t").floatValues() == [1, 2])
    }
}

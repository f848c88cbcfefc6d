import Foundation
import Testing
@testable import QuantKit

/// `GGUFWriter`: what it writes reads back as it went in, and is the file gguf-py writes.
@Suite struct GGUFWriterTests {
    /// Writes the metadata and tensors of `source` to `path`, each tensor in pieces of 5 bytes.
    static func copy(_ source: GGUFSource, to path: String) throws {
        let writer = try GGUFWriter(path: path, metadata: source.metadata,
                                    tensors: source.ggmlTensors.map(GGUFTensorDeclaration.init))
        for tensor in source.ggmlTensors {
            try writer.add(name: tensor.name) { write in
                try source.copyStoredBytes(tensor.name, pieceSize: 5) { piece in try write(piece) }
            }
        }
        try writer.finish()
    }

    /// gguf-py lays a file out as we do (header, padding to the alignment, each tensor padded
    /// to it, the last one included) and encodes values as we do, so copying one of its files
    /// gives back the same bytes.
    @Test(arguments: ["all_types.gguf", "aligned64.gguf"])
    func copyOfAGGUFPyFileIsByteForByteTheSame(_ name: String) throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let original = GGUFFixtures.path(name)
        let path = files.path(name)
        try Self.copy(try GGUFSource(path: original), to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(contentsOf: URL(fileURLWithPath: original)))
    }

    @Test func writtenFileReadsBackAsWritten() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = files.path("out.gguf")
        let metadata = [
            GGUFMetadataEntry("general.alignment", .uint32(16)),
            GGUFMetadataEntry(key: GGUFString(bytes: [0x6B, 0xFF]), value: .string(GGUFString(bytes: [0xC3]))),
            GGUFMetadataEntry("empty", .array(.float32([]))),
            GGUFMetadataEntry("nested", .array(.array([.string([GGUFString("a")]), .bool([true, false]), .array([])]))),
            GGUFMetadataEntry("nan", .float64(.nan)),
        ]
        let tensors = [
            GGUFTensorDeclaration(name: "q", type: .q4_0, dims: [32, 2]),
            GGUFTensorDeclaration(name: "empty", type: .f16, dims: [0, 3]),
            GGUFTensorDeclaration(name: "h", type: .f16, dims: [3]),
        ]
        let data: [[UInt8]] = [(0 ..< 36).map { UInt8($0) }, [], [1, 2, 3, 4, 5, 6]]
        let writer = try GGUFWriter(path: path, metadata: metadata, tensors: tensors)
        #expect(writer.alignment == 16)
        for (tensor, bytes) in zip(tensors, data) {
            try bytes.withUnsafeBytes { try writer.add(name: tensor.name, bytes: $0) }
        }
        try writer.finish()
        let source = try GGUFSource(path: path)
        #expect(source.metadata.map(\.key) == metadata.map(\.key))
        #expect(source.metadata.map { GGUFFixtures.rendered($0.value) } == metadata.map { GGUFFixtures.rendered($0.value) })
        #expect(source.ggmlTensors.map(GGUFTensorDeclaration.init) == tensors)
        #expect(source.ggmlTensors.map(\.offset) == [0, 48, 48])
        for (tensor, bytes) in zip(tensors, data) {
            var stored: [UInt8] = []
            try source.copyStoredBytes(tensor.name, pieceSize: 8) { stored += $0 }
            #expect(stored == bytes)
        }
        #expect(try source.load("h").shape == [3])
    }

    @Test func misusesAreRefusedWithTheirReasons() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = files.path("out.gguf")
        let tensors = [GGUFTensorDeclaration(name: "a", type: .f32, dims: [2]), GGUFTensorDeclaration(name: "b", type: .f32, dims: [1])]
        let writer = try GGUFWriter(path: path, metadata: [], tensors: tensors)
        let four = [UInt8](repeating: 0, count: 4)
        #expect(fileFailure { try four.withUnsafeBytes { try writer.add(name: "b", bytes: $0) } }?.message
            == "\(path): 'b': tensor 'b' added where 'a' was declared next")
        #expect(fileFailure { try four.withUnsafeBytes { try writer.add(name: "a", bytes: $0) } }?.message
            == "\(path): 'a': 4 bytes of data written where the declared type and dimensions need 8")
        #expect(fileFailure { try writer.finish() }?.message == "\(path): the writer is finished or an earlier write failed")
        let second = try GGUFWriter(path: path, metadata: [], tensors: tensors)
        try [UInt8](repeating: 0, count: 8).withUnsafeBytes { try second.add(name: "a", bytes: $0) }
        #expect(fileFailure { try second.finish() }?.message
            == "\(path): finished before 1 declared tensors were written (first: 'b')")
        let tooMuch = try GGUFWriter(path: path, metadata: [], tensors: tensors)
        #expect(fileFailure { try [UInt8](repeating: 0, count: 12).withUnsafeBytes { try tooMuch.add(name: "a", bytes: $0) } }?
            .message == "\(path): 'a': 12 bytes of data written where the declared type and dimensions need 8")
    }

    @Test func declarationsTheReaderWouldRefuseAreRefusedBeforeWriting() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = files.path("out.gguf")
        func refusal(_ metadata: [GGUFMetadataEntry] = [], _ tensors: [GGUFTensorDeclaration] = []) -> String? {
            fileFailure { _ = try GGUFWriter(path: path, metadata: metadata, tensors: tensors) }?.message
        }
        let f32 = { (name: String, dims: [Int]) in GGUFTensorDeclaration(name: name, type: .f32, dims: dims) }
        #expect(refusal([GGUFMetadataEntry("k", .uint8(1)), GGUFMetadataEntry("k", .bool(true))])
            == "\(path): metadata key 'k' appears twice")
        #expect(refusal([GGUFMetadataEntry("", .uint8(1))]) == "\(path): metadata entry 0 has an empty key")
        #expect(refusal([GGUFMetadataEntry("general.alignment", .uint32(24))])
            == "\(path): general.alignment 24 is not a power of two")
        #expect(refusal([GGUFMetadataEntry("general.alignment", .uint64(32))])
            == "\(path): general.alignment is a uint64, not a uint32")
        #expect(refusal([], [f32("t", [1]), f32("t", [2])]) == "\(path): 't': two tensors have this name")
        #expect(refusal([], [f32("t", [])]) == "\(path): 't': 0 dimensions; ggml tensors have 1 to 4")
        #expect(refusal([], [f32("t", [1, 1, 1, 1, 1])]) == "\(path): 't': 5 dimensions; ggml tensors have 1 to 4")
        #expect(refusal([], [f32("t", [2, -1])]) == "\(path): 't': dimensions [2, -1] (innermost first) include a negative one")
        #expect(refusal([], [f32("t", [1 << 62, 4])])
            == "\(path): 't': dimensions [4611686018427387904, 4] (innermost first) overflow 64 bits")
        #expect(refusal([], [GGUFTensorDeclaration(name: "t", type: .q8_0, dims: [33, 2])])
            == "\(path): 't': row length 33 is not a multiple of q8_0's block size (32)")
        let long = String(repeating: "n", count: 64)
        #expect(refusal([], [f32(long, [1])]) == "\(path): '\(long)': the name is 64 bytes; ggml holds names of at most 63")
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}

import Foundation
import Testing

@testable import QuantKit

/// `GGUFSource` reading block-type tensors as float32: GGUF files holding the hostile blocks of
/// Fixtures/ggml/dequantize.npz read, through `load`, `read` and `copy` in pieces of any size, as
/// ggml's own `dequantize_row_<type>` values for them (in the same file, bit for bit); other
/// block types are refused by name; a file cut short is refused naming the tensor.
@Suite struct GGUFBlockReadingTests {
    static let blockTypes = GGMLDequantizers.types.filter { $0.dtype == nil }

    /// A GGUF file at `path` holding `type`'s fixture blocks as one tensor `t` of rows of three
    /// blocks, and ggml's values for them.
    static func writeFixtureTensor(_ type: GGMLType, to path: String) throws -> (dims: [Int], ggml: [Float]) {
        let fixture = try NPZSource(path: fixturesFolder.appendingPathComponent("ggml/dequantize.npz").path)
        let blocks = try fixture.load("\(type)").bytes
        let ggml = try #require(try fixture.load("\(type)_ggml").floatValues())
        let blockCount = blocks.count / type.blockBytes
        let dims = [3 * type.blockSize, blockCount / 3]
        let writer = try GGUFWriter(path: path, metadata: [], tensors: [GGUFTensorDeclaration(name: "t", type: type, dims: dims)])
        try blocks.withUnsafeBytes { try writer.add(name: "t", bytes: $0) }
        try writer.finish()
        return (dims, ggml)
    }

    @Test(arguments: blockTypes)
    func blocksReadAsGGMLsValuesThroughEveryPath(_ type: GGMLType) throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = files.path("\(type).gguf")
        let (dims, ggml) = try Self.writeFixtureTensor(type, to: path)
        let source = try openTensorSource(path: path)
        let info = TensorInfo(name: "t", dtype: .float32, shape: dims.reversed())
        #expect(source.tensors == [info])
        let loaded = try source.load("t")
        #expect(loaded.shape == info.shape && loaded.dtype == .float32)
        #expect(try #require(loaded.floatValues()).map(\.bitPattern) == ggml.map(\.bitPattern))
        let scratch = ScratchBuffer()
        let (readInfo, bytes) = try source.read("t", into: scratch)
        #expect(readInfo == info && Array(bytes) == loaded.bytes)
        for pieceSize in [7, 4 * type.blockSize * 2 + 5, 1 << 20] {
            var copied: [UInt8] = [], pieces = 0
            try source.copy("t", pieceSize: pieceSize) { piece in
                copied += piece
                pieces += 1
                #expect(piece.count % (4 * type.blockSize) == 0)
            }
            #expect(copied == loaded.bytes, "pieces of \(pieceSize) bytes")
            #expect(pieces == 1 + (ggml.count + max(1, pieceSize / (4 * type.blockSize)) * type.blockSize - 1)
                / (max(1, pieceSize / (4 * type.blockSize)) * type.blockSize))
        }
    }

    /// Fixtures/gguf/fp4_blocks.gguf, written by gguf-py (make_fp4_fixtures.py) with ggml's blocks of
    /// the first four rows of Fixtures/ggml/fp4.npz, reads as ggml's values for them.
    @Test(arguments: [GGMLType.mxfp4, .nvfp4])
    func fp4TensorsWrittenByGGUFPyReadAsGGMLsValues(_ type: GGMLType) throws {
        let source = try openTensorSource(path: fixturesFolder.appendingPathComponent("gguf/fp4_blocks.gguf").path)
        let fixture = try NPZSource(path: fixturesFolder.appendingPathComponent("ggml/fp4.npz").path)
        let ggml = try #require(try fixture.load("\(type)_dequantized").floatValues())
        let loaded = try source.load("\(type).weight")
        #expect(loaded.shape == [4, 128] && loaded.dtype == .float32)
        #expect(try #require(loaded.floatValues()).map(\.bitPattern) == ggml.prefix(4 * 128).map(\.bitPattern))
    }

    /// A GGUF holding an iq4_nl tensor beside an f32 one.
    static func writeUnreadable(to path: String) throws {
        let writer = try GGUFWriter(path: path, metadata: [], tensors: [
            GGUFTensorDeclaration(name: "kept", type: .f32, dims: [2]),
            GGUFTensorDeclaration(name: "blk.0.ffn_up.weight", type: .iq4_nl, dims: [32, 2]),
        ])
        try [Float(1), 2].withUnsafeBytes { try writer.add(name: "kept", bytes: $0) }
        try [UInt8](repeating: 0, count: 36).withUnsafeBytes { try writer.add(name: "blk.0.ffn_up.weight", bytes: $0) }
        try writer.finish()
    }

    @Test func otherBlockTypesAreRefusedByName() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = files.path("iq.gguf")
        try Self.writeUnreadable(to: path)
        let message = "\(path): 'blk.0.ffn_up.weight': tensor is iq4_nl, a ggml type this tool does not read (it reads f32, "
            + "f16, bf16, f64, the integer types, q4_0, q4_1, q5_0, q5_1, q8_0, q2_K, q3_K, q4_K, q5_K, q6_K, mxfp4, nvfp4)"
        #expect(fileFailure { _ = try openTensorSource(path: path) }?.message == message)
        let source = try GGUFSource(path: path)
        #expect(source.tensors.map(\.name) == ["kept"])
        #expect(source.unreadableTensors.map(\.name) == ["blk.0.ffn_up.weight"])
        #expect(fileFailure { _ = try source.load("blk.0.ffn_up.weight") }?.message == message)
        #expect(fileFailure { _ = try source.read("blk.0.ffn_up.weight", into: ScratchBuffer()) }?.message == message)
        #expect(fileFailure { try source.copy("blk.0.ffn_up.weight", pieceSize: 64) { _ in } }?.message == message)
    }

    /// The header check names the tensor whose blocks run past the end.
    @Test func truncatedBlocksAreRefusedNamingTheTensor() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = files.path("q4_K.gguf")
        _ = try Self.writeFixtureTensor(.q4_K, to: path)
        let dataStart = try GGUFSource(path: path).header.dataStart
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: dataStart + 9071)
        try handle.close()
        #expect(fileFailure { _ = try openTensorSource(path: path) }?.message
            == "\(path): 't': 9072 bytes at offset 0 run past the end of the data section (9071 bytes)")
    }

    /// A file cut short after it was opened: every read path names the tensor.
    @Test func blocksCutShortAfterOpeningAreRefusedNamingTheTensor() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = files.path("q6_K.gguf")
        _ = try Self.writeFixtureTensor(.q6_K, to: path)
        let source = try openTensorSource(path: path)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 100)
        try handle.close()
        #expect(fileFailure { _ = try source.load("t") }?.member == "t")
        #expect(fileFailure { _ = try source.read("t", into: ScratchBuffer()) }?.member == "t")
        #expect(fileFailure { try source.copy("t", pieceSize: 4096) { _ in } }?.member == "t")
    }

    /// A row that is not a whole number of blocks has no byte size: the header is refused.
    @Test(arguments: [(GGMLType.q4_K, UInt64(300)), (.q5_1, 48)])
    func partialBlockRowsAreRefusedNamingTheTensor(_ type: GGMLType, rowLength: UInt64) {
        var file = GGUFBytes.preamble(tensors: 1, entries: 0)
        file.tensor("blk.3.attn_q.weight", dims: [rowLength, 2], type: type.rawValue)
        file.padAndData(4096)
        #expect(throws: GGUFError.partialBlock(tensor: "blk.3.attn_q.weight", type: type, rowLength: rowLength)) { try file.parse() }
        #expect(GGUFError.partialBlock(tensor: "t", type: type, rowLength: rowLength).description
            == "row length \(rowLength) is not a multiple of \(type)'s block size (\(type.blockSize))")
    }
}

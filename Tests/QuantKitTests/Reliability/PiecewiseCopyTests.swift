import Foundation
import Testing
@testable import QuantKit

/// Tensors kept as they are reach the writer in bounded pieces, from every format, stored or
/// deflated, with the same bytes a whole read gives.
@Suite struct PiecewiseCopyTests {
    func pieces(of source: any TensorSource, _ name: String, pieceSize: Int) throws -> (sizes: [Int], bytes: [UInt8]) {
        var sizes: [Int] = []
        var bytes: [UInt8] = []
        try source.copy(name, pieceSize: pieceSize) { piece in
            sizes.append(piece.count)
            bytes += piece
        }
        return (sizes, bytes)
    }

    @Test(arguments: [false, true])
    func npzMembersArriveInPieces(compressed: Bool) throws {
        let path = try temporaryZipPath("p.npz")
        defer { removeTemporary(path) }
        let values = (0 ..< 1000).map(Float.init)
        let writer = try NPZWriter(path: path, displayPath: path, compressed: compressed)
        try writer.add(name: "b", tensor: Tensor(shape: [1000], values: values))
        try writer.finish()
        let source = try NPZSource(path: path)
        let (sizes, bytes) = try pieces(of: source, "b", pieceSize: 1024)
        #expect(sizes == [1024, 1024, 1024, 928, 0])
        #expect(bytes == Tensor(shape: [1000], values: values).bytes)
    }

    @Test func safetensorsAndNPYArriveInPieces() throws {
        let path = try temporaryZipPath("p.safetensors")
        defer { removeTemporary(path) }
        let tensor = Tensor(shape: [300], values: (0 ..< 300).map(Float.init))
        let writer = try SafetensorsWriter(path: path, displayPath: path,
                                           tensors: [TensorInfo(name: "b", dtype: .float32, shape: [300])], metadata: [:])
        try writer.add(name: "b", tensor: tensor)
        try writer.finish()
        #expect(try pieces(of: SafetensorsSource(path: path), "b", pieceSize: 500) == ([500, 500, 200, 0], tensor.bytes))

        let npy = (path as NSString).deletingLastPathComponent + "/b.npy"
        FileManager.default.createFile(atPath: npy, contents: Data(encodeNPY(tensor)))
        #expect(try pieces(of: NPYFileSource(path: npy), "b", pieceSize: 1000) == ([1000, 200, 0], tensor.bytes))
    }
}

import CZlib
import Foundation
import Synchronization
import Testing

@testable import QuantKit

@Suite struct PlacedPiecesTests {
    /// Tensors of several dtypes and sizes (an empty one, one shorter than a piece, one of many
    /// pieces), bytes from a fixed pattern.
    static let tensors: [(name: String, tensor: Tensor)] = [
        ("codes", try! Tensor(dtype: .int8, shape: [37, 29], bytes: patternBytes(37 * 29, seed: 3))),
        ("empty", try! Tensor(dtype: .uint8, shape: [0, 5], bytes: [])),
        ("short", try! Tensor(dtype: .int32, shape: [1], bytes: patternBytes(4, seed: 5))),
        ("scales", try! Tensor(dtype: .float32, shape: [301], bytes: patternBytes(4 * 301, seed: 7))),
    ]

    static var declared: [TensorInfo] { tensors.map { TensorInfo(name: $0.name, dtype: $0.tensor.dtype, shape: $0.tensor.shape) } }

    /// Adds every tensor, placed (in pieces of `piece` bytes, last first, from two threads) when
    /// `placed`, else streamed whole; returns whether every tensor was placed.
    static func add(to writer: any TensorFileWriter, placed: Bool, piece: Int = 7) throws -> Bool {
        var tookAll = true
        for (name, tensor) in tensors {
            guard placed else {
                try writer.add(name: name, tensor: tensor)
                continue
            }
            let took = try writer.addPlaced(name: name, dtype: tensor.dtype, shape: tensor.shape) { place in
                #expect(place.byteCount == tensor.bytes.count)
                let starts = Array(stride(from: 0, to: tensor.bytes.count, by: piece).reversed())
                let failures = Mutex<[FileError]>([])
                tensor.bytes.withUnsafeBytes { bytes in
                    parallelFor(starts.count, threads: 2) { index in
                        let start = starts[index]
                        do throws(FileError) {
                            try place.place(UnsafeRawBufferPointer(rebasing: bytes[start ..< min(start + piece, bytes.count)]), at: start)
                        } catch {
                            failures.withLock { $0.append(error) }
                        }
                    }
                }
                #expect(failures.withLock { $0.isEmpty })
            }
            tookAll = tookAll && took
        }
        try writer.finish()
        return placed && tookAll
    }

    static func npzWriter(_ path: String, compressed: Bool = false) throws -> NPZWriter {
        try NPZWriter(path: path, displayPath: path, compressed: compressed, threads: 2)
    }

    static func safetensorsWriter(_ path: String) throws -> SafetensorsWriter {
        try SafetensorsWriter(path: path, displayPath: path, tensors: declared, metadata: ["format": "pt"], threads: 2)
    }

    @Test func placedPiecesGiveTheSameArchiveAsStreamedDataAndItsCRCsCheck() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let streamed = files.path("streamed.npz"), placed = files.path("placed.npz")
        #expect(try !Self.add(to: Self.npzWriter(streamed), placed: false))
        #expect(try Self.add(to: Self.npzWriter(placed), placed: true))
        #expect(try Data(contentsOf: URL(fileURLWithPath: placed)) == Data(contentsOf: URL(fileURLWithPath: streamed)))
        let source = try openTensorSource(path: placed)
        for (name, tensor) in Self.tensors { #expect(try source.load(name) == tensor, "\(name)") }
    }

    @Test func placedPiecesGiveTheSameSafetensorsFileAsStreamedData() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let streamed = files.path("streamed.safetensors"), placed = files.path("placed.safetensors")
        #expect(try !Self.add(to: Self.safetensorsWriter(streamed), placed: false))
        #expect(try Self.add(to: Self.safetensorsWriter(placed), placed: true))
        #expect(try Data(contentsOf: URL(fileURLWithPath: placed)) == Data(contentsOf: URL(fileURLWithPath: streamed)))
    }

    @Test func aDeflatedArchiveOrBFloat16DataIsTakenOnlyInOrder() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let deflated = try Self.npzWriter(files.path("deflated.npz"), compressed: true)
        let stored = try Self.npzWriter(files.path("stored.npz"))
        for (writer, dtype) in [(deflated, DType.int8), (stored, .bfloat16)] {
            var called = false
            #expect(try !writer.addPlaced(name: "w", dtype: dtype, shape: [4]) { _ in called = true })
            #expect(!called)
            try writer.finish()
        }
        #expect(try openTensorSource(path: files.path("deflated.npz")).tensors.isEmpty)
        #expect(try openTensorSource(path: files.path("stored.npz")).tensors.isEmpty)
    }

    @Test func theCRCOfPiecesPlacedOutOfOrderIsTheCRCOfTheWhole() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = files.path("data.bin")
        let descriptor = openForWriting(path)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        let bytes = patternBytes(100_003, seed: 11)
        let place = PlacedPieces(descriptor: descriptor, fileOffset: 5, byteCount: bytes.count, checksummed: true) { _ in
            FileError(path: path, ZipError.writeFailed("unexpected"))
        }
        try bytes.withUnsafeBytes { raw in
            for start in stride(from: 0, to: raw.count, by: 4099).reversed() {
                try place.place(UnsafeRawBufferPointer(rebasing: raw[start ..< min(start + 4099, raw.count)]), at: start)
            }
        }
        let whole = bytes.withUnsafeBufferPointer { CZlib.crc32(0, $0.baseAddress, UInt32($0.count)) }
        #expect(place.finish() == whole)
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(written.count == 5 + bytes.count && Array(written.dropFirst(5)) == bytes)
    }

    @Test func aFailedWriteIsTheWritersErrorNamingFileAndMember() throws {
        let descriptor = open("/dev/full", O_WRONLY)
        try #require(descriptor >= 0, "/dev/full is not available")
        defer { close(descriptor) }
        let place = PlacedPieces(descriptor: descriptor, fileOffset: 0, byteCount: 8, checksummed: false) {
            FileError(path: "out.npz", member: "w", ZipError.writeFailed(zipErrnoMessage($0)))
        }
        let error = try #require(throws: FileError.self) {
            try [UInt8](repeating: 1, count: 8).withUnsafeBytes { try place.place($0, at: 0) }
        }
        #expect(error.path == "out.npz" && error.member == "w")
        #expect(error.underlying as? ZipError == .writeFailed(zipErrnoMessage(ENOSPC)))
    }
}

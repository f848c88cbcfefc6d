import Foundation
import Testing
@testable import QuantKit

/// `NPYFileSource`: naming, loading, and the errors a user sees for a bad path.
@Suite struct NPYFileSourceTests {
    /// A fresh directory, removed when `body` returns.
    private func withTemporaryDirectory(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("npy-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    @Test func tensorIsNamedAfterTheStem() throws {
        try withTemporaryDirectory { directory in
            let tensor = Tensor(shape: [2], values: [1.5, -2])
            for (file, name) in [("fc1.npy", "fc1"), ("layer.0.weight.npy", "layer.0.weight"), ("noext", "noext"), (".npy", ".npy")] {
                let url = directory.appendingPathComponent(file)
                try Data(encodeNPY(tensor)).write(to: url)
                let source = try NPYFileSource(path: url.path)
                #expect(source.path == url.path)
                #expect(source.tensors == [TensorInfo(name: name, dtype: .float32, shape: [2])])
                #expect(try source.load(name) == tensor)
            }
        }
    }

    @Test func unknownNameIsRefused() throws {
        let path = NPYFixtures.path("valid/f4.npy")
        let source = try NPYFileSource(path: path)
        let thrown = #expect(throws: FileError.self) { try source.load("fc2") }
        #expect(thrown?.underlying as? NPYError == .noSuchTensor(requested: "fc2", available: "f4"))
        #expect(thrown?.description == "\(path): no tensor named 'fc2' (this .npy file holds only 'f4')")
    }

    @Test func missingFileDirectoryAndEmptyFile() throws {
        try withTemporaryDirectory { directory in
            let missing = directory.appendingPathComponent("missing.npy").path
            let thrown = #expect(throws: FileError.self) { try NPYFileSource(path: missing) }
            #expect(thrown?.underlying as? FileReadError == .noSuchFile)
            #expect(thrown?.description == "\(missing): no such file")

            let folder = directory.appendingPathComponent("weights.npy")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
            let directoryError = #expect(throws: FileError.self) { try NPYFileSource(path: folder.path) }
            #expect(directoryError?.underlying as? FileReadError == .isDirectory)
            #expect(directoryError?.description == "\(folder.path): is a directory, not a file")

            let empty = directory.appendingPathComponent("empty.npy")
            try Data().write(to: empty)
            let emptyError = #expect(throws: FileError.self) { try NPYFileSource(path: empty.path) }
            #expect(emptyError?.description == "\(empty.path): file is empty")
        }
    }

    /// A version 1 header may declare a dict shorter than the 12 bytes read up front.
    @Test func headerShorterThanThePreludeIsRefusedCleanly() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("tiny.npy")
            try Data(NPYHeader.magic + [1, 0, 0, 0, 0x20, 0x20]).write(to: url)
            let thrown = #expect(throws: FileError.self) { try NPYFileSource(path: url.path) }
            #expect(thrown?.underlying as? NPYError == .invalidHeader("not a Python dict literal: unexpected end of header at offset 0"))
        }
    }

    @Test func fileChangedAfterOpeningIsCaughtOnLoad() throws {
        try withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("w.npy")
            let file = encodeNPY(Tensor(shape: [3], values: [1, 2, 3]))
            try Data(file).write(to: url)
            let source = try NPYFileSource(path: url.path)
            try Data(file + [0]).write(to: url)
            let grown = #expect(throws: FileError.self) { try source.load("w") }
            #expect(grown?.underlying as? NPYError == .trailingData(count: 1))
            try Data(file.dropLast()).write(to: url)
            let shrunk = #expect(throws: FileError.self) { try source.load("w") }
            #expect(shrunk?.underlying as? NPYError == .truncatedData(expected: 12, actual: 11))
        }
    }
}

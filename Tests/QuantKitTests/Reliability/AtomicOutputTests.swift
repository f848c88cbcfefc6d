import Foundation
import Testing
@testable import QuantKit

/// Commits never replace what they must not: without `overwrite` not even a file that appeared
/// after the output was opened; with it, only a regular file. Leftovers of killed runs are
/// recognized by name and removed.
@Suite struct AtomicOutputTests {
    func write(_ text: String, to path: String) {
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }

    func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func commitWithoutOverwriteRefusesAFileThatAppearedMeanwhile() throws {
        let path = try temporaryZipPath("out.npz")
        defer { removeTemporary(path) }
        let output = try AtomicOutput(destination: path, overwrite: false, inputs: [])
        write("ours", to: output.temporaryPath)
        write("theirs", to: path)  // another run committed first
        #expect(throws: OutputError.exists(path)) { try output.commit() }
        #expect(contents(path) == "theirs")
        #expect(!FileManager.default.fileExists(atPath: output.temporaryPath))
    }

    @Test func commitWithoutOverwriteCreatesTheFile() throws {
        let path = try temporaryZipPath("out.npz")
        defer { removeTemporary(path) }
        let output = try AtomicOutput(destination: path, overwrite: false, inputs: [])
        write("ours", to: output.temporaryPath)
        try output.commit()
        #expect(contents(path) == "ours")
        #expect(!FileManager.default.fileExists(atPath: output.temporaryPath))
    }

    @Test func overwriteReplacesARegularFileOnly() throws {
        let path = try temporaryZipPath("out.npz")
        defer { removeTemporary(path) }
        write("old", to: path)
        let output = try AtomicOutput(destination: path, overwrite: true, inputs: [])
        write("new", to: output.temporaryPath)
        try output.commit()
        #expect(contents(path) == "new")

        #expect(throws: OutputError.notRegularFile("/dev/null", .characterDevice)) {
            _ = try AtomicOutput(destination: "/dev/null", overwrite: true, inputs: [])
        }
        let fifo = (path as NSString).deletingLastPathComponent + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: OutputError.notRegularFile(fifo, .fifo)) {
            _ = try AtomicOutput(destination: fifo, overwrite: true, inputs: [])
        }
    }

    @Test func emptyDestinationIsRefused() {
        #expect(throws: OutputError.emptyPath) { _ = try AtomicOutput(destination: "", overwrite: false, inputs: []) }
    }

    @Test func temporaryNamesRecordTheirProcess() throws {
        let path = try temporaryZipPath("out.npz")
        defer { removeTemporary(path) }
        let output = try AtomicOutput(destination: path, overwrite: false, inputs: [])
        let name = TemporaryOutputName(fileName: (output.temporaryPath as NSString).lastPathComponent)
        #expect(name?.outputName == "out.npz")
        #expect(name?.pid == getpid())
        output.discard()
    }

    @Test(arguments: [
        (".out.npz.tmp-1234-aB3xYz", "out.npz", Int32(1234)),
        (".out.npz.tmp-aB3xYz", "out.npz", nil),
        (".a.tmp-b.npz.tmp-77-zzzzzz", "a.tmp-b.npz", 77),
    ])
    func temporaryNamesParse(fileName: String, output: String, pid: Int32?) {
        let name = TemporaryOutputName(fileName: fileName)
        #expect(name?.outputName == output)
        #expect(name?.pid == pid)
    }

    @Test(arguments: ["out.npz", ".out.npz", ".out.npz.tmp-", ".out.npz.tmp-12345", ".out.npz.tmp-0-abcdef",
                      "..tmp-abcdef", ".x.tmp-12-abcdefg"])
    func otherNamesAreNotTemporary(fileName: String) {
        #expect(TemporaryOutputName(fileName: fileName) == nil)
    }

    @Test func staleLeftoversAreRemovedAndLiveOnesKept() throws {
        let path = try temporaryZipPath("out.npz")
        defer { removeTemporary(path) }
        let folder = (path as NSString).deletingLastPathComponent
        // A pid that cannot be running (above the kernel's pid_max limit of 2^22).
        let gone = folder + "/.out.npz.tmp-9999999-abcdef"
        let live = folder + "/.out.npz.tmp-\(getppid())-abcdef"
        let oldStyle = folder + "/.out.npz.tmp-qwerty"
        let unrelated = folder + "/.hidden"
        for file in [gone, live, oldStyle, unrelated] { write("x", to: file) }
        var times = [timespec(tv_sec: 1_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, oldStyle, &times, 0) == 0)
        TemporaryOutputName.removeStale(inFolder: folder, runStart: Date())
        #expect(!FileManager.default.fileExists(atPath: gone))
        #expect(!FileManager.default.fileExists(atPath: oldStyle))
        #expect(FileManager.default.fileExists(atPath: live))
        #expect(FileManager.default.fileExists(atPath: unrelated))
    }

    @Test func undoneRunRemovesItsOutputsAndFolders() throws {
        let path = try temporaryZipPath("x")
        defer { removeTemporary(path) }
        let folder = (path as NSString).deletingLastPathComponent + "/a/b"
        let run = OutputRun()
        try run.createFolder(folder)
        let output = try AtomicOutput(destination: folder + "/out.npz", overwrite: false, inputs: [], run: run)
        write("ours", to: output.temporaryPath)
        try output.commit()
        #expect(FileManager.default.fileExists(atPath: folder + "/out.npz"))
        run.undo()
        #expect(!FileManager.default.fileExists(atPath: (folder as NSString).deletingLastPathComponent))
    }
}

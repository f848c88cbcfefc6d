import Foundation
import Testing

@testable import QuantKit

/// Output folders typed as users type them: one-character names, trailing slashes, absolute
/// and relative paths (Foundation's `deletingLastPathComponent` trapped on `a`).
@Suite struct OutputRunFolderTests {
    @Test(arguments: [("a", ""), ("q/", ""), ("ab", ""), ("a/b", "a"), ("a//b/", "a"), ("/a", "/"), ("/", "/"),
                      ("/tmp/x/y", "/tmp/x"), ("./a", "."), ("", "")])
    func parentFolder(path: String, parent: String) {
        #expect(OutputRun.parentFolder(of: path) == parent)
    }

    @Test func missingFoldersAreCreatedAndUndone() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("output-run-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let run = OutputRun()
        try run.createFolder(base + "/a/b/")
        #expect(FileManager.default.fileExists(atPath: base + "/a/b"))
        run.undo()
        #expect(!FileManager.default.fileExists(atPath: base + "/a"))
    }
}

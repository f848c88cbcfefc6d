import Foundation
import Testing

@testable import QuantKit

@Suite struct OpenForWritingTests {
    func scratchPath(_ name: String) -> String {
        "\(NSTemporaryDirectory())/open-for-writing-\(getpid())-\(name)"
    }

    func contents(_ path: String) -> [UInt8] {
        [UInt8](FileManager.default.contents(atPath: path) ?? Data())
    }

    @Test func aFileWithBytesIsEmptiedAndAMissingOneCreated() throws {
        let existing = scratchPath("existing"), missing = scratchPath("missing")
        defer { unlink(existing); unlink(missing) }
        try Data([1, 2, 3, 4, 5]).write(to: URL(fileURLWithPath: existing))
        for path in [existing, missing] {
            let descriptor = openForWriting(path)
            #expect(descriptor >= 0)
            let bytes: [UInt8] = [9, 8]
            #expect(write(descriptor, bytes, 2) == 2)
            close(descriptor)
            #expect(contents(path) == [9, 8], "\(path)")
        }
    }

    @Test func aFolderThatIsMissingGivesMinusOneAndErrno() {
        let descriptor = openForWriting(scratchPath("no-such-folder") + "/file")
        #expect(descriptor == -1 && errno == ENOENT)
    }
}

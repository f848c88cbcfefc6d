import Foundation
import Testing
@testable import QuantKit

/// Inputs must be regular files: FIFOs, devices, sockets and pipes are refused by `stat` before
/// anything is opened (a FIFO would block `open` forever).
@Suite struct SpecialFileTests {
    func refusal(_ path: String) -> FileReadError? {
        do {
            _ = try ReadOnlyFile(path: path)
            return nil
        } catch {
            return error
        }
    }

    @Test func fifoIsRefusedWithoutBlocking() throws {
        let path = try temporaryZipPath("f.npz")
        defer { removeTemporary(path) }
        #expect(mkfifo(path, 0o600) == 0)
        #expect(refusal(path) == .notRegularFile(.fifo))
        #expect("\(FileError(path: path, refusal(path)!))" == "\(path): is a FIFO (named pipe), not a regular file")
    }

    @Test func devicesAreRefused() {
        #expect(refusal("/dev/zero") == .notRegularFile(.characterDevice))
        #expect(refusal("/dev/urandom") == .notRegularFile(.characterDevice))
    }

    @Test func pipeReachedThroughALinkIsAPipe() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        #expect(refusal("/dev/fd/\(ends[0])") == .notRegularFile(.pipe))
    }

    @Test func socketIsRefused() throws {
        let path = try temporaryZipPath("s.npz")
        defer { removeTemporary(path) }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            _ = path.utf8CString.withUnsafeBytes { raw.copyBytes(from: $0.prefix(raw.count - 1)) }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        #expect(refusal(path) == .notRegularFile(.socket))
    }

    @Test func regularFilesAndMissingOnesAreAsBefore() throws {
        let path = try temporaryZipPath("r.npz")
        defer { removeTemporary(path) }
        FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3]))
        #expect(refusal(path) == nil)
        #expect(refusal(path + ".missing") == .noSuchFile)
        #expect(refusal((path as NSString).deletingLastPathComponent) == .isDirectory)
    }
}

import Foundation

/// The name of the temporary file an output is written to before it is committed:
/// `.NAME.tmp-PID-XXXXXX` in the output's own folder (hidden, so folder listings and shard
/// discovery skip it; `PID` the writing process, `XXXXXX` from `mkstemp`).
///
/// A run killed with SIGKILL (or by a power cut) cannot remove its temporary file. The next
/// run that writes to the same folder removes such leftovers: a temporary file is stale when
/// the process its name records no longer runs, or, for names without a pid (written by older
/// versions, `.NAME.tmp-XXXXXX`), when it was last modified before the current run started.
public struct TemporaryOutputName: Equatable, Sendable {
    /// The output the file was to become (its file name).
    public let outputName: String
    /// The process that wrote it, when the name records one.
    public let pid: Int32?

    /// The `mkstemp` template for an output called `outputName` written by process `pid`.
    static func template(outputName: String, pid: Int32) -> String {
        ".\(outputName).tmp-\(pid)-XXXXXX"
    }

    /// Reads a file name (no folder) as a temporary output name; nil when it is not one.
    public init?(fileName: String) {
        guard fileName.hasPrefix("."), let marker = fileName.range(of: ".tmp-", options: .backwards) else { return nil }
        let output = fileName[fileName.index(after: fileName.startIndex) ..< marker.lowerBound]
        let tail = fileName[marker.upperBound...]
        guard !output.isEmpty else { return nil }
        let parts = tail.split(separator: "-", omittingEmptySubsequences: false)
        switch parts.count {
        case 1 where parts[0].utf8.count == 6:
            pid = nil
        case 2 where parts[1].utf8.count == 6:
            guard let value = Int32(parts[0]), value > 0 else { return nil }
            pid = value
        default:
            return nil
        }
        outputName = String(output)
    }

    /// Whether the writer of this file, last modified at `modified`, is gone (see the type).
    public func isStale(modified: Date, runStart: Date) -> Bool {
        guard let pid else { return modified < runStart }
        guard pid != getpid() else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// Removes the stale temporary output files of `folder` (regular files only); errors are
    /// ignored, a leftover that cannot be removed only wastes space.
    static func removeStale(inFolder folder: String, runStart: Date) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names {
            guard let temporary = TemporaryOutputName(fileName: name) else { continue }
            let path = folder + "/" + name
            var status = stat()
            guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { continue }
            let modified = Date(timeIntervalSince1970: TimeInterval(status.st_mtim.tv_sec))
            if temporary.isStale(modified: modified, runStart: runStart) { unlink(path) }
        }
    }
}

/// A file that is the temporary output of a `quantize` run, given where a weight file was
/// expected.
public struct LeftoverTemporaryFile: Error, Sendable, CustomStringConvertible {
    public let name: TemporaryOutputName

    public init(name: TemporaryOutputName) {
        self.name = name
    }

    public var description: String {
        let output = "'\(name.outputName.escapedForMessage)'"
        guard let pid = name.pid else {
            return "the temporary file of an unfinished run writing \(output) (incomplete; safe to delete unless that run is still going)"
        }
        if pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
            return "a leftover temporary file of an interrupted run writing \(output) (process \(pid) is gone); "
                + "it is incomplete and safe to delete"
        }
        return "the temporary file of a run still writing \(output) (process \(pid)); it is incomplete until that run ends"
    }
}

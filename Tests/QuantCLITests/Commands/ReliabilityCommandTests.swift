import Foundation
import Testing
import QuantCLI
import QuantKit

/// The command line's side of issue 12: an empty output path and a bad `--max-memory` are usage
/// errors, a budget refusal is one line with the option's hint, special files and leftover
/// temporary files are named for what they are.
@Suite struct ReliabilityCommandTests {
    let example = fixture("example/mlp.npz")

    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("Reliability-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func emptyOutputIsAUsageErrorNamingOutput() {
        for arguments in [[example, "-o", ""], ["dequantize", example, "-o", ""]] {
            let result = cli(arguments)
            #expect(result.status == .usage)
            #expect(result.err.hasPrefix("quantize: invalid value '' for '--output': expected a file or folder path"))
        }
    }

    @Test func unreadableMemorySizeIsAUsageError() {
        let result = cli([example, "-o", "/nonexistent/x.npz", "--max-memory", "lots"])
        #expect(result.status == .usage)
        #expect(result.err.contains("invalid value 'lots' for '--max-memory'"))
    }

    @Test func tensorOverTheBudgetIsRefusedBeforeWriting() throws {
        let out = try folder()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let result = cli([example, "-o", out + "/o.npz", "--max-memory", "1K"])
        #expect(result.status == .failure)
        #expect(result.err == "quantize: \(example): 'fc1.weight': quantizing this 32.0 KiB tensor needs 32.0 KiB of memory "
                + "at once, over the memory budget of 1.0 KiB (raise it with --max-memory SIZE, or keep the tensor in float "
                + "with --exclude)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty)
    }

    @Test func fifoInputIsRefusedAtOnce() throws {
        let out = try folder()
        defer { try? FileManager.default.removeItem(atPath: out) }
        #expect(mkfifo(out + "/f.npz", 0o600) == 0)
        for arguments in [[out + "/f.npz", "-o", out + "/o.npz"], ["inspect", out + "/f.npz"]] {
            let result = cli(arguments)
            #expect(result.status == .failure)
            #expect(result.err == "quantize: \(out)/f.npz: is a FIFO (named pipe), not a regular file\n")
        }
    }

    @Test func inspectNamesALeftoverTemporaryFile() throws {
        let out = try folder()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let leftover = out + "/.o.npz.tmp-9999999-abcdef"
        FileManager.default.createFile(atPath: leftover, contents: Data([1, 2, 3]))
        let result = cli(["inspect", leftover])
        #expect(result.status == .failure)
        #expect(result.err.contains("a leftover temporary file of an interrupted run writing 'o.npz' (process 9999999 is gone)"))
    }

    @Test func shardOutputsEchoTheFolderAsTyped() throws {
        let inputs = try folder()
        defer { try? FileManager.default.removeItem(atPath: inputs) }
        for name in ["a.npz", "b.npz"] { try FileManager.default.copyItem(atPath: example, toPath: inputs + "/" + name) }
        let plan = try ShardPlan(inputs: [inputs], output: "relative/out")
        #expect(plan.jobs.map(\.output) == ["relative/out/a.npz", "relative/out/b.npz"])
    }
}

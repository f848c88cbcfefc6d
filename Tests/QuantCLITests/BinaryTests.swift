import Foundation
import Testing

/// A few runs of the built executable itself: exit statuses and streams as a shell sees them.
@Suite(.serialized) struct BinaryTests {
    let example = fixture("example/mlp.npz")

    @Test func quantizeSucceedsWithTheReportOnStdout() throws {
        let folder = try TemporaryFolder()
        let result = try runQuantize([example, "-o", folder.path("out.npz")])
        #expect(result.status == 0)
        #expect(result.stdout.contains("3 of 8 tensors quantized"))
        #expect(result.stderr.isEmpty)
    }

    @Test func usageErrorExitsTwoWithOneLineOnStderr() throws {
        let result = try runQuantize([example, "-o", "x.npz", "--bits", "nine"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("quantize: invalid value 'nine' for '--bits'"))
        #expect(result.stderr.filter { $0 == "\n" }.count == 1)
    }

    @Test func badInputExitsOneAndWritesNothing() throws {
        let folder = try TemporaryFolder()
        let input = folder.path("bad.npz")
        try Data("PK\u{5}\u{6}not really a zip".utf8).write(to: URL(fileURLWithPath: input))
        let result = try runQuantize([input, "-o", folder.path("out.npz")])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("quantize: \(input): "))
        #expect(try folder.contents() == ["bad.npz"])
    }

    @Test func helpAndVersionGoToStdout() throws {
        let help = try runQuantize(["help", "dequantize"])
        #expect(help.status == 0 && help.stdout.contains("quantize dequantize") && help.stderr.isEmpty)
        let version = try runQuantize(["--version"])
        #expect(version.status == 0 && version.stdout.hasPrefix("quantize "))
    }
}

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

    @Test func forceReplacesAnExistingOutputAndItsAbsenceRefuses() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("out.npz")
        try Data("old".utf8).write(to: URL(fileURLWithPath: output))
        let refused = try runQuantize([example, "-o", output])
        #expect(refused.status == 1)
        #expect(refused.stderr == "quantize: \(output): output exists; pass --force to replace it\n")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "old")
        #expect(try runQuantize([example, "-o", output, "--force"]).status == 0)
        #expect(try folder.contents() == ["out.npz"])
    }

    @Test func jsonReportReflectsLayerIncludeAndExcludeRules() throws {
        let folder = try TemporaryFolder()
        let result = try runQuantize([example, "-o", folder.path("out.npz"), "--report=json", "--include", ".*",
                                      "--exclude", "norm", "--layer", "bias$=none", "--layer", "fc3=asymmetric:4"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        let schemes = Dictionary(uniqueKeysWithValues: tensors.map { ($0["name"] as! String, $0["scheme"] as! String) })
        #expect(schemes == ["fc1.weight": "per-channel", "fc1.bias": "none", "norm.weight": "none", "norm.bias": "none",
                            "fc2.weight": "per-channel", "fc2.bias": "none", "fc3.weight": "asymmetric", "fc3.bias": "none"])
        #expect(tensors.first { $0["name"] as? String == "fc3.weight" }?["bits"] as? Int == 4)
        #expect(report["quantized_tensors"] as? Int == 3)
    }

    @Test func doubleDashEndsOptionsSoAnInputMayStartWithADash() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: example, toPath: folder.path("-model.npz"))
        let result = try runQuantize(["-o", "out.npz", "--report", "none", "--", "-model.npz"], in: folder.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try folder.contents() == ["-model.npz", "out.npz"])
    }
}

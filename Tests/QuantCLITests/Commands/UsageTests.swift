import QuantKit
import Testing

@testable import QuantCLI

@Suite struct UsageTests {
    let example = fixture("example/mlp.npz")

    @Test func unknownFlagSuggestsTheNearestOneAndExitsTwo() {
        let result = cli([example, "-o", "x.npz", "--shceme", "symmetric"])
        #expect(result.status == .usage)
        #expect(result.err == "quantize: unknown option '--shceme'; did you mean '--scheme'? (see 'quantize --help')\n")
    }

    @Test func badSchemeNamesTheAllowedValues() {
        let result = cli([example, "-o", "x.npz", "--scheme", "int4"])
        #expect(result.status == .usage)
        #expect(result.err.contains("'--scheme'") && result.err.contains("symmetric, asymmetric, per-channel, per-channel-asymmetric, fp8, fp8-per-channel, fp8-block, fp8-e5m2, fp8-e5m2-per-channel, fp8-e5m2-block, nvfp4, mxfp4, mxfp8, none"))
    }

    @Test func bitsOutsideTwoToEightIsAUsageError() {
        let result = cli([example, "-o", "x.npz", "--bits=9"])
        #expect(result.status == .usage)
        #expect(result.err.contains("invalid value '9' for '--bits'") && result.err.contains("2") && result.err.contains("8"))
    }

    @Test(arguments: ["fc1", "fc1=int4", "fc1=symmetric:9", "fc1=symmetric:4:2", "=symmetric"])
    func malformedLayerRulesAreUsageErrors(rule: String) {
        let result = cli([example, "-o", "x.npz", "--layer", rule])
        #expect(result.status == .usage)
        #expect(result.err.contains("'--layer'") && result.err.contains("REGEX=SCHEME[:BITS]"))
    }

    @Test func layerPatternMayContainAnEqualsSign() throws {
        let rule = try parseLayerRule("a=b=symmetric:4", options: SchemeOptions(bits: 8, axis: 0))
        #expect(rule.pattern == "a=b" && rule.scheme == QuantScheme(name: "symmetric", bits: 4))
    }

    @Test func invalidRegexIsAUsageErrorNamingTheFlag() {
        let result = cli([example, "-o", "x.npz", "--include", "fc(["])
        #expect(result.status == .usage)
        #expect(result.err.hasPrefix("quantize: invalid value 'fc([' for '--include'"))
    }

    @Test func missingOutputIsAUsageError() {
        let result = cli([example])
        #expect(result.status == .usage)
        #expect(result.err.contains("--output"))
    }

    @Test func missingInputFileIsAFailureNamingIt() {
        let result = cli(["no/such/model.npz", "-o", "x.npz"])
        #expect(result.status == .failure)
        #expect(result.err == "quantize: no/such/model.npz: no such file\n")
    }

    @Test func folderWithoutShardsIsRefused() {
        let result = cli([packageRoot.appendingPathComponent("Fixtures").path, "-o", "x.npz"])
        #expect(result.status == .failure)
        #expect(result.err.contains("no weights in this folder (.npz, .npy or .safetensors files)"))
    }

    @Test func folderWithoutWeightsGivenToInspectIsRefused() {
        let result = cli(["inspect", packageRoot.appendingPathComponent("Fixtures").path])
        #expect(result.status == .failure)
        #expect(result.err.contains("Fixtures: no weights in this folder"))
    }

    @Test func unknownFileFormatSaysWhatItStartsWith() {
        let result = cli([packageRoot.appendingPathComponent("Makefile").path, "-o", "x.npz"])
        #expect(result.status == .failure)
        #expect(result.err.contains("not a NumPy .npy or .npz file, nor a safetensors or GGUF file (starts with \"# qu\")"))
    }

    @Test func helpListsEveryCommand() {
        let result = cli(["--help"])
        #expect(result.status == .success)
        for command in ["quantize", "inspect", "dequantize"] { #expect(result.out.contains(command)) }
    }

    @Test(arguments: [["help", "inspect"], ["inspect", "--help"], ["inspect", "-h"]])
    func commandHelpDescribesItsOptions(arguments: [String]) {
        let result = cli(arguments)
        #expect(result.status == .success)
        #expect(result.out.contains("quantize inspect") && result.out.contains("--json"))
    }

    @Test func quantizeHelpListsTheSchemesAndDefaults() {
        let result = cli(["help", "quantize"])
        for text in ["--scheme", "per-channel-asymmetric", "--layer", "--include", "--exclude", "--compress", "--force", "--report"] {
            #expect(result.out.contains(text), "help lacks \(text)")
        }
    }

    @Test func helpForAnUnknownCommandSuggestsOne() {
        let result = cli(["help", "inspekt"])
        #expect(result.status == .usage)
        #expect(result.err.contains("unknown command 'inspekt'; did you mean 'inspect'?"))
    }

    @Test func versionPrintsTheToolVersion() {
        #expect(cli(["--version"]).out == "quantize \(QuantKitVersion.current)\n")
    }
}

import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// The library's errors name no option; the command line adds what the user can pass, in one
/// place (`CLI.hint(for:)`), so the final line reads as it always did.
@Suite struct CLIHintTests {
    static let groupSize: any Error = FileError(path: "m.npz", PlanError.groupSizeMismatch(groupSize: 7, tensors: ["'a' (2, 3)"]))
    static let layout: any Error = FileError(path: "m.safetensors", PlanError.notInLayout(tensor: "c.weight", holds: PackQuantizedLayout().holdsDescription, reason: "it has rank 3"))
    static let compute: any Error = FileError(path: "q.npz", ComputePathError.groupWiseWeightsInInt8)
    static let cases: [(error: any Error, hint: String)] = [
        (OutputError.exists("o.npz"), "; pass --force to replace it"),
        (groupSize, " (choose a divisor, or keep them in float with --exclude)"),
        (layout, "; keep it in float (--exclude) or write .npz"),
        (compute, "; use --compute dequant"),
        (GPTQError.notPositiveDefinite(damp: 0), "; try a larger --damp, such as 0.1"),
    ]

    @Test func theHintCompletesTheLibrarysSentence() {
        for (error, hint) in Self.cases {
            #expect(CLI.hint(for: error) == hint, "\(error)")
            #expect(!"\(error)".contains("--"), "\(error)")
        }
    }

    /// The whole line, as a user sees it, for one of them.
    @Test func anExistingOutputSaysToPassForce() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("o.npz")
        #expect(cli([fixture("digits/mlp.npz"), "-o", output]).status == .success)
        let again = cli([fixture("digits/mlp.npz"), "-o", output])
        #expect(again.status == .failure)
        #expect(again.err == "quantize: \(output): output exists; pass --force to replace it\n")
    }
}

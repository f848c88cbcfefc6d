import Foundation
import Testing

/// The built binary's progress bar on a pseudo-terminal (util-linux `script`), and its absence
/// on files and with --quiet (Tests/shell/progress_test.sh).
@Test func progressBarOnAPseudoTerminalShowsATimeEstimateAndEndsClean() throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
        print("skipping: util-linux script is not installed (Debian: apt-get install bsdutils)")
        return
    }
    let script = packageRoot.appendingPathComponent("Tests/shell/progress_test.sh").path
    let result = try runProcess("/bin/bash", [script, quantizeBinary])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("ok   the last frame is erased"))
    #expect(!result.stdout.contains("FAIL"))
}

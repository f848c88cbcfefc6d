import ArgKit
import Foundation
@testable import QuantCLI
import Testing

@Test func completionPrintsTheScriptGeneratedFromTheProgram() throws {
    for shell in CompletionShell.allCases {
        let result = try runQuantize(["completion", shell.rawValue])
        #expect(result.status == 0)
        #expect(result.stdout == shell.script(for: CLI.program))
    }
    let refused = try runQuantize(["completion", "ksh"])
    #expect(refused.status == 2)
    #expect(refused.stderr == "quantize: invalid value 'ksh' for '<shell>': expected one of bash, zsh, fish "
        + "(see 'quantize completion --help')\n")
}

/// The shells themselves complete real prefixes with the scripts of the built binary
/// (Tests/shell/completion_test.sh; zsh and fish are skipped there when not installed).
@Test func shellsCompleteRealPrefixesWithTheGeneratedScripts() throws {
    let script = packageRoot.appendingPathComponent("Tests/shell/completion_test.sh").path
    let result = try runProcess("/bin/bash", [script, quantizeBinary])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("ok   bash: 'quantize --scheme per-' -> per-channel"))
}

@Test func manPageNamesEveryCommandAndOptionAndRendersWithoutWarnings() throws {
    let result = try runQuantize(["man"])
    #expect(result.status == 0)
    for command in CLI.program.commands {
        #expect(result.stdout.contains(".SS \"\(CLI.program.invocation(of: command))"), "\(command.name)")
        for option in command.options {
            #expect(result.stdout.contains("\\fB" + option.spelling.replacingOccurrences(of: "-", with: "\\-") + "\\fR"),
                    "\(option.spelling) of \(command.name)")
        }
    }
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/groff") else {
        print("skipping the rendering: groff is not installed (Debian: apt-get install groff)")
        return
    }
    let page = FileManager.default.temporaryDirectory.appendingPathComponent("quantize-\(UUID().uuidString).1")
    defer { try? FileManager.default.removeItem(at: page) }
    try result.stdout.write(to: page, atomically: true, encoding: .utf8)
    let rendered = try runProcess("/usr/bin/groff", ["-ww", "-man", "-Tutf8", page.path])
    #expect(rendered.status == 0)
    #expect(rendered.stderr == "", "groff -ww warns: \(rendered.stderr)")
}

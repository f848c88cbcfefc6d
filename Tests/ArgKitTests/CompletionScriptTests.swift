@testable import ArgKit
import Foundation
import Testing

/// A program whose declared words hold every character the shells treat specially.
private let hostile = Program(
    name: "tool",
    version: "tool 1",
    abstract: "A tool.",
    commands: [
        CommandSpec(name: "run", abstract: "Run it.", arguments: [ArgumentSpec("input", help: "It's [the] \"input\": $HOME \\ `x`.")],
                    options: [OptionSpec("mode", valueName: "M", help: "Mode [a|b]: it's $x.",
                                         allowedValues: ["it's", "a b", "$HOME", "back\\slash", "(p)", "semi;colon"])]),
        CommandSpec(name: "show", abstract: "Show: it's [here].", options: [.flag("all", short: "a", help: "Everything.")]),
    ],
    defaultCommand: "run")

@Test(arguments: CompletionShell.allCases)
func everyCommandOptionAndAllowedValueAppears(shell: CompletionShell) {
    let script = shell.script(for: Sample.program)
    for command in Sample.program.commands {
        // zsh names the default command only in its function's name; the others are quoted words.
        let word = shell == .fish ? command.name.quotedForFish : command.name.quotedForPOSIXShell
        #expect(script.contains(word) || (shell == .zsh && script.contains("_quantize_\(command.name)() {")), "\(command.name)")
        for option in command.options {
            #expect(script.contains(shell == .fish ? "-l " + option.name.quotedForFish : option.spelling), "\(option.spelling)")
            if let short = option.short {
                #expect(script.contains(shell == .fish ? "-s " + String(short).quotedForFish : "-\(short)"), "-\(short)")
            }
            for value in option.allowedValues ?? [] {
                #expect(script.contains(value), "\(value) of \(option.spelling)")
            }
        }
    }
}

@Test func shellQuotingReadsBackAsTheSameText() throws {
    let texts = ["it's", "a b", "$HOME", "back\\slash", "(p)", "semi;colon", "\"q\"", "`x`", "", "'"]
    for text in texts {
        let posix = try runShell("/bin/bash", ["-c", "printf %s " + text.quotedForPOSIXShell])
        #expect(posix == text, "bash read \(text.quotedForPOSIXShell) as \(posix)")
    }
    guard let fish = executable("fish") else { return }
    for text in texts {
        let read = try runShell(fish, ["--no-config", "-c", "printf %s " + text.quotedForFish])
        #expect(read == text, "fish read \(text.quotedForFish) as \(read)")
    }
}

@Test func bashCompletesAllowedValuesWithSpecialCharactersAsDeclared() throws {
    let script = CompletionShell.bash.script(for: hostile)
    let values = try bashCompletions(script, ["tool", "--mode", ""])
    #expect(values == ["it's", "a b", "$HOME", "back\\slash", "(p)", "semi;colon"])
    #expect(try bashCompletions(script, ["tool", "--mode", "a"]) == ["a b"])
    #expect(try bashCompletions(script, ["tool", "show", "-"]) == ["--all", "-a", "--help", "-h"])
    #expect(try bashCompletions(script, ["tool", "sh"]).first == "show")
}

@Test func zshAndFishScriptsOfSpecialCharactersParse() throws {
    for (shell, name) in [(CompletionShell.zsh, "zsh"), (.fish, "fish")] {
        guard let path = executable(name) else { continue }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("completion-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try shell.script(for: hostile).write(to: file, atomically: true, encoding: .utf8)
        let status = try runShellStatus(path, ["-n", file.path])
        #expect(status == 0, "\(name) -n rejects the script")
    }
    guard let fish = executable("fish") else { return }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("completion-\(UUID().uuidString).fish")
    defer { try? FileManager.default.removeItem(at: file) }
    try CompletionShell.fish.script(for: hostile).write(to: file, atomically: true, encoding: .utf8)
    let offered = try runShell(fish, ["--no-config", "-c", "source \(file.path); complete -C'tool --mode '"])
    #expect(Set(offered.split(separator: "\n").map { String($0.split(separator: "\t")[0]) })
            == ["it's", "a b", "$HOME", "back\\slash", "(p)", "semi;colon"])
}

/// What `_NAME` puts in COMPREPLY for `words` (the last is the word being completed).
private func bashCompletions(_ script: String, _ words: [String]) throws -> [String] {
    let program = "source /dev/stdin <<< \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "
        + "_tool; printf '%s\\n' \"${COMPREPLY[@]}\""
    let output = try runShell("/bin/bash", ["--norc", "-c", program, "_", script] + words)
    return output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
}

/// The path of `name` on PATH, if installed.
private func executable(_ name: String) -> String? {
    ["/usr/bin", "/bin", "/usr/local/bin"].map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// The standard output of `executable arguments`, which must succeed.
private func runShell(_ executable: String, _ arguments: [String]) throws -> String {
    let (status, output) = try run(executable, arguments)
    #expect(status == 0, "\(executable) \(arguments) failed")
    return output
}

private func runShellStatus(_ executable: String, _ arguments: [String]) throws -> Int32 {
    try run(executable, arguments).status
}

private func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A program with a `.words` hint (offered, not enforced) and a one-extension file hint.
private let hinted = Program(
    name: "tool", version: "tool 1", abstract: "A tool.",
    commands: [CommandSpec(name: "run", abstract: "Run it.", options: [
        OptionSpec("type", valueName: "T", help: "A type, any case.", valueHint: .words(["Q4_0", "Q4_K_M"])),
        OptionSpec("rows", valueName: "X.npy", help: "Rows.", valueHint: .file(extensions: ["npy"])),
    ])],
    defaultCommand: "run")

@Test func offeredWordsAndOneExtensionFileHintsReachEveryShell() throws {
    #expect(BashCompletion.script(for: hinted).contains("'--type') _tool_words \"$cur\" 'Q4_0' 'Q4_K_M';"))
    #expect(FishCompletion.script(for: hinted).contains("-l 'type' -x -a " + ["Q4_0", "Q4_K_M"].map(\.quotedForFish)
        .joined(separator: " ").quotedForFish + " "))
    let zsh = ZshCompletion.script(for: hinted)
    #expect(zsh.contains(":T:(Q4_0 Q4_K_M)"))
    // "*.(npy)" would end in glob qualifiers in zsh; one extension is written without the group.
    #expect(zsh.contains(":X.npy:_files -g \"*.npy\""))
    // The parser still takes any word: the hint only offers.
    let parsed = try hinted.resolve(["--type", "q4_k_m"])
    guard case .run(let arguments) = parsed else { Issue.record("not a run: \(parsed)"); return }
    #expect(arguments.string("type") == "q4_k_m")
}

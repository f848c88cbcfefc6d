import ArgKit

/// `quantize completion bash|zsh|fish`: the shell's completion script, generated from the same
/// declarations that drive parsing and `--help`.
enum CompletionCommand: Command {
    static let spec = CommandSpec(
        name: "completion",
        abstract: "Print the bash, zsh or fish completion script of quantize.",
        discussion: """
            The script completes command names, options, each option's allowed values, and
            file paths filtered by extension. Load it for this shell with
              source <(quantize completion bash)
            or install it where the shell looks (make install does):
              bash: share/bash-completion/completions/quantize
              zsh:  share/zsh/site-functions/_quantize
              fish: share/fish/vendor_completions.d/quantize.fish
            """,
        arguments: [ArgumentSpec("shell", help: "The shell whose script to print.",
                                 allowedValues: CompletionShell.allCases.map(\.rawValue))])

    static func options(_ arguments: ParsedArguments) throws(UsageError) -> CompletionShell {
        // The parser has checked the word against the declared values, the shells' raw values.
        CompletionShell(rawValue: arguments.argument("shell")!)!
    }

    static func run(_ shell: CompletionShell, console: Console) throws -> Bool {
        console.out(shell.script(for: CLI.program))
        return true
    }
}

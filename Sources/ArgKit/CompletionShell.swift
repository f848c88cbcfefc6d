/// A shell whose completion script ``Program`` can write from its declarations.
public enum CompletionShell: String, CaseIterable, Sendable {
    case bash, zsh, fish

    /// The completion script of `program` for this shell.
    public func script(for program: Program) -> String {
        switch self {
        case .bash: BashCompletion.script(for: program)
        case .zsh: ZshCompletion.script(for: program)
        case .fish: FishCompletion.script(for: program)
        }
    }
}

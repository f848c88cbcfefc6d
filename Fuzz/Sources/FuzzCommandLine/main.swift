import ArgKit
import FuzzSupport
import QuantCLI

/// The command-line parser: the input split at NUL bytes into argv words (decoded as
/// `CommandLine.arguments` decodes them, invalid UTF-8 repaired), resolved to a command and
/// checked as far as `quantize` checks a command line before opening a file.
func fuzzCommandLine(_ input: UnsafeRawBufferPointer) {
    let words = input
        .split(separator: 0, omittingEmptySubsequences: false)
        .map { String(decoding: $0, as: UTF8.self) }
    guard words.count <= 64 else { return }
    do {
        switch try CLI.checkUsage(words) {
        case .help(let text), .version(let text): precondition(!text.isEmpty, "empty help or version text")
        case .run: break
        }
    } catch {
        precondition(!error.description.isEmpty, "empty usage error")
    }
}

FuzzSupport.run { data, size in
    fuzzCommandLine(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

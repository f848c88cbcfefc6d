import ArgKit
import QuantKit

/// `quantize tokenize TOKENIZER --text FILE -o IDS.npy`.
enum TokenizeCommand: Command {
    static let spec = CommandSpec(
        name: "tokenize",
        abstract: "Encode each line of a text file with a model's tokenizer.json, ids identical to Hugging Face tokenizers.",
        discussion: """
            TOKENIZER is a model folder holding tokenizer.json, or the file itself (WordPiece or
            byte-level BPE; other kinds are refused by name). FILE is UTF-8 text, one input per
            line (split on newlines only). The output is one int32 .npy array [lines, longest]:
            each row holds its line's ids, special tokens included, then -1 up to the longest
            row (so a row's attention mask is ids >= 0). The tokenizer's truncation applies, its
            padding does not.
            """,
        arguments: [ArgumentSpec("tokenizer", help: "A model folder with tokenizer.json, or a tokenizer.json file.",
                                 valueHint: .file(extensions: ["json"]))],
        options: [
            OptionSpec("text", valueName: "FILE", help: "The UTF-8 text to encode, one input per line.", required: true),
            OptionSpec("output", short: "o", valueName: "IDS", help: "Where to write the ids (.npy, int32).", required: true,
                       valueHint: .file(extensions: ["npy"])),
            OptionSpec("max-length", valueName: "N",
                       help: "Truncate each line to N tokens, special tokens included (default: the tokenizer's own truncation, if any).",
                       valueHint: .text),
            .flag("no-special-tokens", help: "Leave out the template's special tokens ([CLS], [SEP], <|begin_of_text|>, ...)."),
            .flag("force", help: "Replace IDS if it exists and is a regular file (never an input)."),
        ])

    /// Every option of a tokenize run, typed.
    struct Options {
        var tokenizer: String
        var text: String
        var output: String
        var maxLength: Int?
        var addSpecialTokens: Bool
        var force: Bool
    }

    static func options(_ arguments: ParsedArguments) throws(UsageError) -> Options {
        Options(tokenizer: arguments.argument("tokenizer")!, text: arguments.string("text")!,
                output: try QuantizeCommand.outputPath(arguments), maxLength: try arguments.int("max-length", in: 1 ... 1 << 30),
                addSpecialTokens: !arguments.flag("no-special-tokens"), force: arguments.flag("force"))
    }

    static func run(_ options: Options, console: Console) throws -> Bool {
        var (tokenizer, path) = try Tokenizer.load(folderOrFile: options.tokenizer)
        tokenizer.removePadding()
        if let maxLength = options.maxLength { tokenizer.truncation = Truncation(maxLength: maxLength) }
        let written = try tokenizeFile(tokenizer: tokenizer, tokenizerPath: path, textPath: options.text,
                                       outputPath: options.output, addSpecialTokens: options.addSpecialTokens,
                                       overwrite: options.force)
        console.out("\(options.output): \(written.lines) lines, \(written.tokens) tokens, int32 [\(written.lines), "
            + "\(written.longest)] (rows filled with -1)\n")
        return true
    }
}

@testable import ArgKit
import Testing

@Test func usageLineFollowsTheDeclarations() {
    #expect(HelpFormatter.usage(for: Sample.quantize, invocation: "quantize") == """
        quantize <input> -o <PATH> [--scheme <S>] [--bits <N>] [--axis <A>] [--include <REGEX> ...] \
        [--exclude <REGEX> ...] [--layer <REGEX=SCHEME[:BITS]> ...] [--compress] [--report <FORMAT>] [--force]
        """)
    #expect(HelpFormatter.usage(for: Sample.inspect, invocation: "quantize inspect") == "quantize inspect <file> [--json]")
}

@Test func commandHelpListsEveryOptionWithItsAllowedValues() {
    // Wrapping may break a sentence anywhere, so compare with runs of whitespace as one space.
    let help = Sample.program.help(for: Sample.quantize).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    for option in Sample.quantize.options {
        #expect(help.contains(option.spelling), "\(option.spelling) missing from help")
        #expect(help.contains(option.help), "help of \(option.spelling) missing")
    }
    #expect(help.contains("(values: symmetric, asymmetric, per-channel)"))
    #expect(help.contains("(values: table, json, none)"))
    #expect(help.contains("-o, --output <PATH>"))
    #expect(help.contains("(repeatable)"))
    #expect(help.contains("-h, --help"))
    #expect(help.contains(Sample.quantize.discussion))
}

@Test func commandHelpHasThisExactLayout() {
    #expect(Sample.program.help(for: Sample.dequantize) == """
        OVERVIEW: Restore float weights from a quantized archive.

        USAGE: quantize dequantize <archive> -o <PATH> [--force]

        ARGUMENTS:
          <archive>  The quantized archive.

        OPTIONS:
          -o, --output <PATH>  Where to write the float model.
          --force              Overwrite OUTPUT if it exists.
          -h, --help           Show help information.

        """)
}

@Test func longLabelsAndLongTextWrapWithinEightyColumns() {
    let help = Sample.program.help(for: Sample.quantize)
    #expect(help.contains("""
          --layer <REGEX=SCHEME[:BITS]>
                                      Per-layer scheme override. (repeatable)
        """))
    #expect(help.contains("""
          --scheme <S>                How to map floats to codes. (values: symmetric,
                                      asymmetric, per-channel) (default: symmetric)
        """))
    #expect(help.split(separator: "\n").allSatisfy { $0.count <= 80 })
    #expect(help.contains("""
        USAGE: quantize <input> -o <PATH> [--scheme <S>] [--bits <N>] [--axis <A>]
               [--include <REGEX> ...] [--exclude <REGEX> ...]
               [--layer <REGEX=SCHEME[:BITS]> ...] [--compress] [--report <FORMAT>]
               [--force]
        """))
}

@Test func discussionIsPrintedAsWritten() {
    let example = "Example:\n  quantize model.npz -o model.q.npz --layer 'fc1.*=per-channel:4' --report json"
    let spec = CommandSpec(name: "demo", abstract: "Demo.", discussion: example)
    #expect(HelpFormatter.help(for: spec, invocation: "demo").hasSuffix("\n\n" + example + "\n"))
}

@Test func programHelpListsCommandsWithAbstracts() {
    let help = Sample.program.help()
    #expect(help.contains("USAGE: quantize [<command>] <arguments>"))
    #expect(help.contains("  quantize (default)  Quantize a model's float weights to int8."))
    #expect(help.contains("  inspect             Describe the tensors in a model or archive."))
    #expect(help.contains("  dequantize          Restore float weights from a quantized archive."))
    #expect(help.contains("--version"))
}

@Test func wrapBreaksAtSpacesAndKeepsLongWordsWhole() {
    #expect(HelpFormatter.wrap(["aa", "bb", "cc", "dd"], width: 5) == ["aa bb", "cc dd"])
    #expect(HelpFormatter.wrap(["abcdefgh", "ij"], width: 5) == ["abcdefgh", "ij"])
    #expect(HelpFormatter.wrap([], width: 5) == [])
}

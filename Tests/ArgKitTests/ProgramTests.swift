import ArgKit
import Testing

private func run(_ argv: [String]) throws -> ParsedArguments? {
    guard case .run(let parsed) = try Sample.program.resolve(argv) else { return nil }
    return parsed
}

@Test func firstWordThatIsNoCommandRunsTheDefault() throws {
    let parsed = try #require(try run(["model.npz", "-o", "out.npz"]))
    #expect(parsed.command.name == "quantize")
    #expect(parsed.argument("input") == "model.npz")
    #expect(parsed.occurrences(ofOption: "output").first?.position == 1)
}

@Test func commandNameSelectsTheCommand() throws {
    let parsed = try #require(try run(["inspect", "model.npz", "--json"]))
    #expect(parsed.command.name == "inspect")
    #expect(parsed.argument("file") == "model.npz")
    #expect(parsed.flag("json"))
    #expect(parsed.occurrences(ofOption: "json").first?.position == 2)
}

@Test func defaultCommandCanBeNamedToo() throws {
    let parsed = try #require(try run(["quantize", "model.npz", "-o", "out.npz"]))
    #expect(parsed.command.name == "quantize")
    #expect(parsed.argument("input") == "model.npz")
}

@Test func noArgumentsOrHelpShowProgramHelp() throws {
    let programHelp = Invocation.help(Sample.program.help())
    for argv in [[], ["--help"], ["-h"], ["help"], ["help", "help"]] {
        #expect(try Sample.program.resolve(argv) == programHelp, "\(argv)")
    }
}

@Test func helpCommandAndCommandHelpShowTheCommandsHelp() throws {
    let inspectHelp = Invocation.help(Sample.program.help(for: Sample.inspect))
    #expect(try Sample.program.resolve(["help", "inspect"]) == inspectHelp)
    #expect(try Sample.program.resolve(["inspect", "--help"]) == inspectHelp)
    #expect(try Sample.program.resolve(["inspect", "-h"]) == inspectHelp)
    let quantizeHelp = Invocation.help(Sample.program.help(for: Sample.quantize))
    #expect(try Sample.program.resolve(["model.npz", "--help"]) == quantizeHelp)
    #expect(try Sample.program.resolve(["help", "quantize"]) == quantizeHelp)
}

@Test func defaultCommandHelpShowsTheUsageWithoutTheCommandName() {
    #expect(Sample.program.help(for: Sample.quantize).contains("USAGE: quantize <input> -o <PATH>"))
    #expect(Sample.program.help(for: Sample.inspect).contains("USAGE: quantize inspect <file>"))
}

@Test func versionAnswersWithTheVersionText() throws {
    #expect(try Sample.program.resolve(["--version"]) == .version("quantize 0.1.0"))
}

@Test func helpForAnUnknownCommandSuggestsTheClosest() {
    #expect(throws: UsageError.unknownCommand("bogus", suggestion: nil)) {
        try Sample.program.resolve(["help", "bogus"])
    }
    #expect(throws: UsageError.unknownCommand("inspct", suggestion: "inspect")) {
        try Sample.program.resolve(["help", "inspct"])
    }
    #expect(throws: UsageError.unexpectedArgument("dequantize")) {
        try Sample.program.resolve(["help", "inspect", "dequantize"])
    }
}

@Test func commandErrorsComeThroughResolve() {
    #expect(throws: UsageError.unknownOption("--shceme", suggestion: "--scheme")) {
        try Sample.program.resolve(["model.npz", "-o", "q.npz", "--shceme", "asymmetric"])
    }
    #expect(throws: UsageError.missingOption("--output")) {
        try Sample.program.resolve(["dequantize", "archive.npz"])
    }
}

@Test func misspelledCommandIsReportedWhenTheDefaultCommandCannotParse() throws {
    #expect(throws: UsageError.unknownCommand("inspct", suggestion: "inspect")) {
        try Sample.program.resolve(["inspct", "model.npz"])
    }
    // The same word is an input file when the line is a valid default command.
    let parsed = try #require(try run(["inspct", "-o", "out.npz"]))
    #expect(parsed.argument("input") == "inspct")
    // A word close to no command keeps the default command's error.
    #expect(throws: UsageError.unexpectedArgument("b.npz")) {
        try Sample.program.resolve(["a.npz", "b.npz", "-o", "q.npz"])
    }
}

@testable import ArgKit
import Testing

@Test func separateAndInlineValuesParseAlike() throws {
    let separate = try Sample.parseQuantize(["m.npz", "--output", "q.npz", "--scheme", "asymmetric"])
    let inline = try Sample.parseQuantize(["m.npz", "--output=q.npz", "--scheme=asymmetric"])
    for parsed in [separate, inline] {
        #expect(parsed.argument("input") == "m.npz")
        #expect(parsed.string("output") == "q.npz")
        #expect(parsed.string("scheme") == "asymmetric")
    }
}

@Test func shortOptionTakesTheNextWord() throws {
    let parsed = try Sample.parseQuantize(["-o", "q.npz", "m.npz"])
    #expect(parsed.string("output") == "q.npz")
    #expect(parsed.argument("input") == "m.npz")
}

@Test func optionsRecordTheirPosition() throws {
    let parsed = try Sample.parseQuantize(["m.npz", "--force", "-o", "q.npz"])
    #expect(parsed.occurrences(ofOption: "output") == [Occurrence(position: 2, value: "q.npz")])
    #expect(parsed.occurrences(ofOption: "force") == [Occurrence(position: 1, value: nil)])
    #expect(parsed.occurrences(ofArgument: "input") == [Occurrence(position: 0, value: "m.npz")])
}

@Test func repeatedOptionsKeepTheirOrder() throws {
    let parsed = try Sample.parseQuantize([
        "m.npz", "-o", "q.npz", "--include", "fc2", "--exclude", "bias", "--include=fc1", "--include", "fc3",
    ])
    #expect(parsed.strings("include") == ["fc2", "fc1", "fc3"])
    #expect(parsed.strings("exclude") == ["bias"])
    #expect(parsed.strings("layer") == [])
    #expect(parsed.occurrences(ofOption: "include").map(\.position) == [3, 7, 8])
}

@Test func terminatorEndsOptions() throws {
    let parsed = try Sample.parseQuantize(["-o", "q.npz", "--", "--weird-name.npz"])
    #expect(parsed.argument("input") == "--weird-name.npz")
    #expect(!parsed.flag("force"))
}

@Test func dashIsAValue() throws {
    let parsed = try Sample.parseQuantize(["-", "-o", "-"])
    #expect(parsed.argument("input") == "-")
    #expect(parsed.string("output") == "-")
}

@Test func negativeNumberIsAnOptionValue() throws {
    let parsed = try Sample.parseQuantize(["m.npz", "-o", "q.npz", "--axis", "-1"])
    #expect(try parsed.int("axis", in: -4...3) == -1)
}

@Test func helpAnywhereBeforeTerminatorWins() throws {
    #expect(try parse(["m.npz", "--bogus", "--help"], as: Sample.quantize) == .helpRequested)
    #expect(try parse(["-h"], as: Sample.quantize) == .helpRequested)
    #expect(try parse(["--output", "--help"], as: Sample.quantize) == .helpRequested)
    let afterTerminator = try parse(["-o", "q.npz", "--", "--help"], as: Sample.quantize)
    guard case .arguments(let parsed) = afterTerminator else {
        Issue.record("--help after -- must be a positional")
        return
    }
    #expect(parsed.argument("input") == "--help")
}

@Test func flagWithInlineValueIsRejected() {
    #expect(throws: UsageError.unexpectedValueForFlag(option: "--force", value: "yes")) {
        try parse(["m.npz", "-o", "q.npz", "--force=yes"], as: Sample.quantize)
    }
}

@Test func nonRepeatableOptionGivenTwiceIsRejected() {
    #expect(throws: UsageError.duplicateOption("--output")) {
        try parse(["m.npz", "-o", "a.npz", "--output", "b.npz"], as: Sample.quantize)
    }
    #expect(throws: UsageError.duplicateOption("--force")) {
        try parse(["m.npz", "-o", "a.npz", "--force", "--force"], as: Sample.quantize)
    }
}

@Test func valueMissingAtEndOrBeforeAnotherOptionIsRejected() {
    #expect(throws: UsageError.missingValue(option: "--output")) {
        try parse(["m.npz", "-o"], as: Sample.quantize)
    }
    #expect(throws: UsageError.missingValue(option: "--scheme")) {
        try parse(["m.npz", "-o", "q.npz", "--scheme", "--force"], as: Sample.quantize)
    }
    #expect(throws: UsageError.missingValue(option: "--output")) {
        try parse(["m.npz", "-o", "--", "q.npz"], as: Sample.quantize)
    }
}

@Test func disallowedChoiceIsRejectedAtParseTime() {
    #expect(throws: UsageError.invalidChoice(option: "--scheme", value: "foo", allowed: ["symmetric", "asymmetric", "per-channel"])) {
        try parse(["m.npz", "-o", "q.npz", "--scheme", "foo"], as: Sample.quantize)
    }
}

@Test func argumentOutsideItsAllowedValuesIsRejectedAtParseTime() throws {
    let spec = CommandSpec(name: "completion", abstract: "Print a script.",
                           arguments: [ArgumentSpec("shell", help: "The shell.", allowedValues: ["bash", "zsh"])])
    #expect(throws: UsageError.invalidChoice(option: "<shell>", value: "ksh", allowed: ["bash", "zsh"])) {
        try parse(["ksh"], as: spec)
    }
    guard case .arguments(let parsed) = try parse(["zsh"], as: spec) else { Issue.record("no arguments"); return }
    #expect(parsed.argument("shell") == "zsh")
    #expect(HelpFormatter.help(for: spec, invocation: "tool completion").contains("<shell>  The shell. (values: bash, zsh)"))
}

@Test func positionalCountIsChecked() {
    #expect(throws: UsageError.unexpectedArgument("extra.npz")) {
        try parse(["m.npz", "extra.npz", "-o", "q.npz"], as: Sample.quantize)
    }
    #expect(throws: UsageError.missingArgument("input")) {
        try parse(["-o", "q.npz"], as: Sample.quantize)
    }
}

@Test func requiredOptionIsChecked() {
    #expect(throws: UsageError.missingOption("--output")) {
        try parse(["m.npz"], as: Sample.quantize)
    }
}

@Test func unknownOptionsAreRejected() {
    #expect(throws: UsageError.unknownOption("--shceme", suggestion: "--scheme")) {
        try parse(["m.npz", "--shceme=foo"], as: Sample.quantize)
    }
    #expect(throws: UsageError.unknownOption("-x", suggestion: nil)) {
        try parse(["m.npz", "-x"], as: Sample.quantize)
    }
    #expect(throws: UsageError.unknownOption("-ofile", suggestion: nil)) {
        try parse(["m.npz", "-ofile"], as: Sample.quantize)
    }
}

@Test func optionalAndVariadicArgumentsTakeWhatIsThere() throws {
    let spec = CommandSpec(
        name: "cat", abstract: "Concatenate.",
        arguments: [
            ArgumentSpec("first", help: "First file."),
            ArgumentSpec("second", help: "Second file.", required: false),
            ArgumentSpec("rest", help: "More files.", required: false, variadic: true),
        ])
    guard case .arguments(let one) = try parse(["a"], as: spec),
        case .arguments(let four) = try parse(["a", "b", "c", "d"], as: spec)
    else {
        Issue.record("expected arguments")
        return
    }
    #expect(one.argument("first") == "a")
    #expect(one.argument("second") == nil)
    #expect(one.arguments("rest") == [])
    #expect(four.argument("second") == "b")
    #expect(four.arguments("rest") == ["c", "d"])
}

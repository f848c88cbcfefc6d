@testable import ArgKit
import Testing

private func kinds(_ argv: [String]) -> [ArgumentToken.Kind] {
    SplitArguments(argv[...]).tokens.map(\.kind)
}

@Test func tokensRememberTheirPositionInArgv() {
    let tokens = SplitArguments(["model.npz", "-o", "out.npz", "--bits=4"][...]).tokens
    #expect(tokens.map(\.position) == [0, 1, 2, 3])
    #expect(tokens.map(\.kind) == [.value("model.npz"), .shortOption("o"), .value("out.npz"), .longOption(name: "bits", value: "4")])
}

@Test func positionsOfASliceReferToTheWholeArgv() {
    let argv = ["inspect", "--json", "file.npz"]
    #expect(SplitArguments(argv.dropFirst()).tokens.map(\.position) == [1, 2])
}

@Test func longOptionsWithAndWithoutInlineValue() {
    #expect(kinds(["--scheme", "--scheme=asymmetric", "--layer=a=b:4", "--report="]) == [
        .longOption(name: "scheme", value: nil),
        .longOption(name: "scheme", value: "asymmetric"),
        .longOption(name: "layer", value: "a=b:4"),
        .longOption(name: "report", value: ""),
    ])
}

@Test func shortOptionsAreOneCharacterAndLongerTextIsKeptWhole() {
    #expect(kinds(["-o", "-h", "-ofile", "-o=x"]) == [.shortOption("o"), .shortOption("h"), .shortOption("ofile"), .shortOption("o=x")])
}

@Test func loneDashAndNegativeNumbersAreValues() {
    #expect(kinds(["-", "-1", "-.5", "-0"]) == [.value("-"), .value("-1"), .value("-.5"), .value("-0")])
}

@Test func terminatorMakesEverythingAfterItAValue() {
    #expect(kinds(["a", "--", "--force", "-o", "--"]) == [.value("a"), .terminator, .value("--force"), .value("-o"), .value("--")])
}

private func requestsHelp(_ argv: [String]) -> Bool {
    SplitArguments(argv[...]).optionRegion.contains { $0.isHelpRequest }
}

@Test func helpRequestsCountOnlyBeforeTheTerminator() {
    #expect(requestsHelp(["x", "-h"]))
    #expect(requestsHelp(["--help=yes"]))
    #expect(!requestsHelp(["--", "--help", "-h"]))
    #expect(!requestsHelp(["--helper", "-hx"]))
}

import ArgKit
import Testing

/// Every case's wording, pinned; a change here is a change users see.
@Test(arguments: [
    (UsageError.unknownOption("--shceme", suggestion: "--scheme"), "unknown option '--shceme'; did you mean '--scheme'?"),
    (.unknownOption("--zzzzzz", suggestion: nil), "unknown option '--zzzzzz'"),
    (.unknownCommand("inspct", suggestion: "inspect"), "unknown command 'inspct'; did you mean 'inspect'?"),
    (.unknownCommand("bogus", suggestion: nil), "unknown command 'bogus'"),
    (.missingValue(option: "--output"), "missing value for '--output'"),
    (.unexpectedValueForFlag(option: "--force", value: "yes"), "unexpected value 'yes' for flag '--force'"),
    (.duplicateOption("--scheme"), "option '--scheme' can be given only once"),
    (.missingOption("--output"), "missing required option '--output'"),
    (
        .invalidChoice(option: "--scheme", value: "foo", allowed: ["symmetric", "asymmetric", "per-channel"]),
        "invalid value 'foo' for '--scheme': expected one of symmetric, asymmetric, per-channel"
    ),
    (.invalidInteger(option: "--bits", value: "x", range: 2...8), "invalid value 'x' for '--bits': expected an integer from 2 to 8"),
    (.invalidInteger(option: "--n", value: "0", range: 1...Int.max), "invalid value '0' for '--n': expected an integer of at least 1"),
    (.invalidInteger(option: "--n", value: "y", range: Int.min...Int.max), "invalid value 'y' for '--n': expected an integer"),
    (
        .invalidValue(option: "--layer", value: "x=y", expected: "REGEX=SCHEME[:BITS]"),
        "invalid value 'x=y' for '--layer': expected REGEX=SCHEME[:BITS]"
    ),
    (.unexpectedArgument("extra.npz"), "unexpected argument 'extra.npz'"),
    (.missingArgument("input"), "missing required argument '<input>'"),
    (.conflicting("--compare", "<quantized>"), "'--compare' cannot be used with '<quantized>'"),
    (.requires("--labels", "--input"), "'--labels' requires '--input'"),
])
func errorMessage(error: UsageError, message: String) {
    #expect(error.description == message)
    #expect("\(error)" == message)
}

/// The messages as a user meets them, from a command line to the text.
@Test(arguments: [
    (["m.npz", "-o", "q.npz", "--shceme", "asymmetric"], "unknown option '--shceme'; did you mean '--scheme'?"),
    (["m.npz", "--outptu", "q.npz"], "unknown option '--outptu'; did you mean '--output'?"),
    (["m.npz", "-o", "q.npz", "--zzzzzz"], "unknown option '--zzzzzz'"),
    (["m.npz", "--hlep"], "unknown option '--hlep'; did you mean '--help'?"),
    (["m.npz", "-x"], "unknown option '-x'"),
    (["m.npz", "-o", "q.npz", "--scheme", "foo"], "invalid value 'foo' for '--scheme': expected one of symmetric, asymmetric, per-channel"),
    (["m.npz", "-o", "q.npz", "--report", "xml"], "invalid value 'xml' for '--report': expected one of table, json, none"),
    (["m.npz", "-o"], "missing value for '--output'"),
    (["m.npz", "-o", "q.npz", "--compress=1"], "unexpected value '1' for flag '--compress'"),
    (["m.npz", "-o", "q.npz", "--scheme", "symmetric", "--scheme", "asymmetric"], "option '--scheme' can be given only once"),
    (["m.npz"], "missing required option '--output'"),
    (["-o", "q.npz"], "missing required argument '<input>'"),
    (["a.npz", "b.npz", "-o", "q.npz"], "unexpected argument 'b.npz'"),
])
func errorMessageForCommandLine(argv: [String], message: String) {
    #expect {
        try parse(argv, as: Sample.quantize)
    } throws: { error in
        (error as? UsageError)?.description == message
    }
}

import ArgKit
import Testing

@Test func gettersFallBackToDefaults() throws {
    let parsed = try Sample.parseQuantize(["m.npz", "-o", "q.npz"])
    #expect(parsed.string("scheme") == "symmetric")
    #expect(!parsed.contains("scheme"))
    #expect(try parsed.int("bits", in: 2...8) == 8)
    #expect(parsed.string("axis") == nil)
    #expect(try parsed.int("axis", in: -4...3) == nil)
    #expect(parsed.choice("report", as: ReportFormat.self) == .table)
    #expect(!parsed.flag("compress"))
}

@Test func givenValuesOverrideDefaults() throws {
    let parsed = try Sample.parseQuantize(["m.npz", "-o", "q.npz", "--bits", "4", "--report=json", "--compress"])
    #expect(parsed.contains("bits"))
    #expect(try parsed.int("bits", in: 2...8) == 4)
    #expect(parsed.choice("report", as: ReportFormat.self) == .json)
    #expect(parsed.flag("compress"))
}

@Test func integerOutsideRangeOrNotAnIntegerNamesTheFlag() throws {
    for bits in ["x", "9", "1", "4.5", ""] {
        let parsed = try Sample.parseQuantize(["m.npz", "-o", "q.npz", "--bits", bits])
        #expect(throws: UsageError.invalidInteger(option: "--bits", value: bits, range: 2...8)) {
            try parsed.int("bits", in: 2...8)
        }
    }
}

@Test func stringOfARepeatableOptionIsTheLastValue() throws {
    let parsed = try Sample.parseQuantize(["m.npz", "-o", "q.npz", "--include", "a", "--include", "b"])
    #expect(parsed.string("include") == "b")
}

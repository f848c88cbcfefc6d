import Testing
@testable import QuantKit

/// How a text file becomes lines for `quantize tokenize`.
@Suite struct TextLinesTests {
    @Test func linesSplitOnNewlineOnlyAndAFinalNewlineEndsTheLastLine() throws {
        #expect(try textLines(Array("a\r\nb\u{85}c\u{2028}d\n\ne".utf8)) == ["a\r", "b\u{85}c\u{2028}d", "", "e"])
        #expect(try textLines(Array("a\n".utf8)) == ["a"])
        #expect(try textLines(Array("\n".utf8)) == [""])
    }

    @Test func badBytesAreRefusedAtTheirOffset() {
        #expect(throws: TextFileError.invalidUTF8(offset: 3)) { try textLines([0x61, 0xC3, 0xA9, 0xC3, 0x28]) }
        #expect(throws: TextFileError.invalidUTF8(offset: 0)) { try textLines([0xED, 0xA0, 0x80]) }
        #expect(throws: TextFileError.noLines) { try textLines([]) }
    }
}

import Testing
@testable import QuantKit

/// The Python literal parser behind the header dict, and the header checks on top of it.
@Suite struct NPYHeaderParserTests {
    private func literal(_ text: String) throws(PythonLiteralError) -> PythonLiteral {
        try PythonLiteral.parse(text)
    }

    private func failure(_ text: String) -> String? {
        do {
            _ = try PythonLiteral.parse(text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func singleAndDoubleQuotes() throws {
        #expect(try literal("'<f4'") == .string("<f4"))
        #expect(try literal("\"<f4\"") == .string("<f4"))
        #expect(try literal("'say \"hi\"'") == .string("say \"hi\""))
        #expect(try literal("\"it's\"") == .string("it's"))
        #expect(try literal("'é'") == .string("é"))
    }

    @Test func integersAndNames() throws {
        #expect(try literal("0") == .integer(0))
        #expect(try literal("-7") == .integer(-7))
        #expect(try literal("- 7") == .integer(-7))
        #expect(try literal("+7") == .integer(7))
        #expect(try literal("3L") == .integer(3))
        #expect(try literal("9223372036854775807") == .integer(.max))
        #expect(try literal("-9223372036854775808") == .integer(.min))
        #expect(try literal("True") == .boolean(true))
        #expect(try literal("False") == .boolean(false))
        #expect(try literal("None") == PythonLiteral.none)
    }

    @Test func tuplesFollowPythonCommaRules() throws {
        #expect(try literal("()") == .tuple([]))
        #expect(try literal("(5,)") == .tuple([.integer(5)]))
        #expect(try literal("(5)") == .integer(5))
        #expect(try literal("(2, 3)") == .tuple([.integer(2), .integer(3)]))
        #expect(try literal("(2, 3,)") == .tuple([.integer(2), .integer(3)]))
        #expect(try literal("( 2 ,\n 3 , )") == .tuple([.integer(2), .integer(3)]))
        #expect(failure("(,)") == "unexpected ',' at offset 1")
        #expect(failure("(2,,)") == "unexpected ',' at offset 3")
        #expect(failure("(2 3)") == "unexpected '3' at offset 3")
    }

    @Test func dictsListsAndTrailingCommas() throws {
        let expected = PythonLiteral.dict(["descr": .string("<f4"), "shape": .tuple([.integer(3)])])
        #expect(try literal("{'descr': '<f4', 'shape': (3,)}") == expected)
        #expect(try literal("{'descr': '<f4', 'shape': (3,), }") == expected)
        #expect(try literal("\n{ \"shape\" :(3 ,) ,\t'descr':'<f4' }   \n") == expected)
        #expect(try literal("{}") == .dict([:]))
        #expect(try literal("[('a', '<f4'), ]") == .list([.tuple([.string("a"), .string("<f4")])]))
        #expect(try literal("{'a': {'b': [1, (2,)]}}") == .dict(["a": .dict(["b": .list([.integer(1), .tuple([.integer(2)])])])]))
    }

    @Test func garbageIsRefusedWithItsPosition() {
        #expect(failure("") == "unexpected end of header at offset 0")
        #expect(failure("{'descr': '<f4'") == "unexpected end of header at offset 15")
        #expect(failure("{'descr' '<f4'}") == "unexpected ''' at offset 9")
        #expect(failure("{'descr': }") == "unexpected '}' at offset 10")
        #expect(failure("{'a': (1, [2, {'b': }])}") == "unexpected '}' at offset 20")
        #expect(failure("{'a': 1} {'b': 2}") == "unexpected '{' at offset 9")
        #expect(failure("{'a': 1.5}") == "unexpected '.' at offset 7")
        #expect(failure("{'a': 1 + 2}") == "unexpected '+' at offset 8")
        #expect(failure("{'a': true}") == "'true' at offset 6 is not a literal")
        #expect(failure("{'a': __import__('os')}") == "'__import__' at offset 6 is not a literal")
        #expect(failure("{1: 2}") == "dict key at offset 1 is not a string")
        #expect(failure("{'a': 1, 'a': 2}") == "duplicate key 'a' at offset 9")
        #expect(failure("{'a': 'b\\'c'}") == "escape sequences in strings are not supported at offset 8")
        #expect(failure("{'a': 'bc}") == "unterminated string starting at offset 6")
        #expect(failure("{'a': 'b\nc'}") == "unterminated string starting at offset 6")
        #expect(failure("{'a': \"b'}") == "unterminated string starting at offset 6")
        #expect(failure("{\u{0}}") == "unexpected U+0 at offset 1")
        #expect(failure("9223372036854775808") == "integer 9223372036854775808 at offset 0 does not fit in 64 bits")
        #expect(failure("-99999999999999999999999") == "integer -99999999999999999999999 at offset 0 does not fit in 64 bits")
    }

    @Test func deepNestingIsRefusedNotOverflowed() {
        #expect(failure(String(repeating: "(", count: 10_000)) == "nesting deeper than 32 at offset 32")
        #expect(failure(String(repeating: "[", count: 32) + String(repeating: "]", count: 32)) == nil)
    }

    @Test(arguments: [
        ("<f4", DType.float32, false), (">f4", .float32, true), ("=f4", .float32, false), ("|f4", .float32, false),
        ("f4", .float32, false), ("<f8", .float64, false), (">f8", .float64, true), ("<f2", .float16, false),
        (">f2", .float16, true), ("|i1", .int8, false), ("<i1", .int8, false), (">i1", .int8, false),
        ("|u1", .uint8, false), ("|b1", .bool, false), ("<i2", .int16, false), (">i2", .int16, true),
        ("<i4", .int32, false), (">i4", .int32, true), ("<i8", .int64, false), (">i8", .int64, true),
        ("<u2", .uint16, false), (">u2", .uint16, true), ("<u4", .uint32, false), (">u4", .uint32, true),
        ("<u8", .uint64, false), (">u8", .uint64, true),
    ])
    func supportedDescrs(_ descr: String, _ dtype: DType, _ bigEndian: Bool) throws {
        let header = try NPYFixtures.header(descr: descr)
        #expect(header.dtype == dtype)
        #expect(header.bigEndian == bigEndian)
        #expect(header.dataByteCount == 2 * dtype.byteSize)
    }

    @Test(arguments: ["|O", "O", "|O8", "<O"])
    func objectDescrsNeedPickle(_ descr: String) {
        #expect(throws: NPYError.objectDType) { try NPYFixtures.header(descr: descr) }
    }

    @Test(arguments: ["<c8", "<c16", "<U5", "|S3", "|V8", "<M8[ns]", "<m8", "<f16", "<g", "<f3", "<i16", "float32", ""])
    func unsupportedDescrs(_ descr: String) {
        #expect(throws: NPYError.unsupportedDType("'\(descr)'")) { try NPYFixtures.header(descr: descr) }
    }

    @Test func structuredAndNonStringDescrs() {
        #expect(throws: NPYError.unsupportedDType("[('a', '<f4')]")) {
            try NPYHeader.parse(NPYFixtures.npy(dict: "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}"))
        }
        #expect(throws: NPYError.invalidHeader("'descr' is 4, not a dtype string")) {
            try NPYHeader.parse(NPYFixtures.npy(dict: "{'descr': 4, 'fortran_order': False, 'shape': (2,)}"))
        }
        #expect(throws: NPYError.invalidHeader("'shape' is (2, 'x'), not a tuple of integers")) {
            try NPYHeader.parse(NPYFixtures.npy(dict: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 'x')}"))
        }
    }

    @Test func scalarShapeAndFortranFlag() throws {
        let header = try NPYHeader.parse(NPYFixtures.npy(dict: "{'descr': '<f8', 'fortran_order': True, 'shape': ()}"))
        #expect(header.shape == [])
        #expect(header.fortranOrder)
        #expect(header.dataByteCount == 8)
        #expect(header.headerLength == 64)
    }

    @Test func totalHeaderLengthNeedsTenOrTwelveBytes() throws {
        let v1 = NPYFixtures.npy(dict: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)}")
        #expect(v1.count == 128)
        #expect(try NPYHeader.totalHeaderLength(prelude: v1.prefix(10)) == 128)
        #expect(throws: NPYError.truncatedHeader(expected: 10, actual: 9)) {
            try NPYHeader.totalHeaderLength(prelude: v1.prefix(9))
        }
        let v2 = NPYFixtures.npy(dict: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", major: 2)
        #expect(try NPYHeader.totalHeaderLength(prelude: v2.prefix(NPYHeader.preludeLength)) == v2.count)
        #expect(throws: NPYError.truncatedHeader(expected: 12, actual: 11)) {
            try NPYHeader.totalHeaderLength(prelude: v2.prefix(11))
        }
        #expect(throws: NPYError.truncatedHeader(expected: 10, actual: 3)) {
            try NPYHeader.totalHeaderLength(prelude: v2.prefix(3))
        }
        #expect(throws: NPYError.badMagic) { try NPYHeader.totalHeaderLength(prelude: Array("PK\u{3}".utf8)) }
        #expect(throws: NPYError.unsupportedVersion(major: 1, minor: 1)) {
            try NPYHeader.totalHeaderLength(prelude: NPYHeader.magic + [1, 1, 0, 0])
        }
        #expect(throws: NPYError.headerLengthPastEnd(declared: 128, available: 127)) {
            try NPYHeader.parse(Array(v1.prefix(127)))
        }
    }

    @Test func headerIsParsedFromItsStartIgnoringData() throws {
        let file = NPYFixtures.npy(dict: "{'descr': '|u1', 'fortran_order': False, 'shape': (3,)}", data: [1, 2, 3])
        let header = try NPYHeader.parse(file)
        #expect(header.headerLength == 128)
        #expect(header.dataByteCount == 3)
        #expect(try makeTensor(header: header, data: Array(file[128...])).bytes == [1, 2, 3])
    }

    @Test func latin1HeadersInVersionOneAndTwo() throws {
        // In a version 1 header, byte 0xE9 is 'é' (latin1), not an invalid UTF-8 byte.
        var file = NPYFixtures.npy(dict: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'XX': 1}")
        let key = file.firstIndex(of: UInt8(ascii: "X"))!
        file[key] = 0xE9
        #expect(throws: NPYError.invalidHeader("unexpected key 'éX'")) { try NPYHeader.parse(file) }
    }
}

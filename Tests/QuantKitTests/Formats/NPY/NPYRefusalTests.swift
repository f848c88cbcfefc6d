import Foundation
import Testing
@testable import QuantKit

/// Every file under `Fixtures/npy/invalid` is refused with its own error and a one-line message.
@Suite struct NPYRefusalTests {
    static let refusals: [(file: String, error: NPYError, mentions: String)] = [
        ("empty.npy", .truncatedHeader(expected: 10, actual: 0), "truncated"),
        ("bad_magic.npy", .badMagic, "not a NumPy"),
        ("zip_not_npy.npy", .badMagic, "not a NumPy"),
        ("version_9_9.npy", .unsupportedVersion(major: 9, minor: 9), "version 9.9"),
        ("truncated_header.npy", .truncatedHeader(expected: 10, actual: 9), "found 9"),
        ("header_past_end.npy", .headerLengthPastEnd(declared: 1010, available: 27), "past the end"),
        ("missing_shape.npy", .invalidHeader("missing key 'shape'"), "'shape'"),
        ("extra_key.npy", .invalidHeader("unexpected key 'x'"), "'x'"),
        ("duplicate_key.npy", .invalidHeader("not a Python dict literal: duplicate key 'descr' at offset 17"), "duplicate"),
        ("not_a_dict.npy", .invalidHeader("the header is [('descr', '<f4'), ('shape', (2, 3))], not a dict"), "not a dict"),
        ("syntax_error.npy", .invalidHeader("not a Python dict literal: unexpected ')' at offset 56"), "')'"),
        ("shape_is_list.npy", .invalidHeader("'shape' is [2, 3], not a tuple of integers"), "tuple"),
        ("fortran_not_bool.npy", .invalidHeader("'fortran_order' is 0, not True or False"), "fortran_order"),
        ("object.npy", .objectDType, "pickle"),
        ("structured.npy", .unsupportedDType("[('a', '<f4'), ('b', '<i4')]"), "structured"),
        ("complex.npy", .unsupportedDType("'<c8'"), "complex"),
        ("complex128.npy", .unsupportedDType("'<c16'"), "complex"),
        ("unicode.npy", .unsupportedDType("'<U5'"), "string"),
        ("bytes.npy", .unsupportedDType("'|S3'"), "string"),
        ("void.npy", .unsupportedDType("'|V8'"), "void"),
        ("datetime.npy", .unsupportedDType("'<M8[ns]'"), "datetime"),
        ("timedelta.npy", .unsupportedDType("'<m8[s]'"), "timedelta"),
        ("longdouble.npy", .unsupportedDType("'<f16'"), "8-byte floats"),
        ("negative_dim.npy", .invalidShape(.negativeDimension(-1)), "negative dimension -1"),
        ("overflow_shape.npy", .invalidShape(.elementCountOverflow([1 << 62, 1 << 62])), "64-bit"),
        ("bytes_overflow.npy", .invalidShape(.byteSizeOverflow([1 << 61], elementSize: 8)), "overflows"),
        ("huge_int.npy",
         .invalidHeader("not a Python dict literal: integer 1180591620717411303424 at offset 51 does not fit in 64 bits"),
         "64 bits"),
        ("short_data.npy", .truncatedData(expected: 24, actual: 20), "truncated"),
        ("trailing_data.npy", .trailingData(count: 3), "3 unexpected bytes after the array data"),
        ("v3_bad_utf8.npy", .invalidHeader("a version 3.0 header is not valid UTF-8"), "UTF-8"),
    ]

    @Test func everyInvalidFixtureIsCovered() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: NPYFixtures.path("invalid"))
        #expect(Set(files) == Set(Self.refusals.map(\.file)))
    }

    @Test(arguments: refusals.indices)
    func refusedWithItsError(_ index: Int) throws {
        let (file, error, mentions) = Self.refusals[index]
        let bytes = try NPYFixtures.bytes("invalid/" + file)
        #expect(throws: error) { try readNPY(bytes: bytes) }
        #expect(!error.description.contains("\n"))
        #expect(error.description.contains(mentions))
    }

    /// The file source reports the same problem, wrapped with the path; an empty file is
    /// reported as such before the format is looked at.
    @Test(arguments: refusals.indices)
    func fileSourceWrapsTheError(_ index: Int) throws {
        let (file, error, _) = Self.refusals[index]
        let path = NPYFixtures.path("invalid/" + file)
        let thrown = #expect(throws: FileError.self) { _ = try NPYFileSource(path: path) }
        #expect(thrown?.path == path)
        if file == "empty.npy" {
            #expect(thrown?.underlying as? FileReadError == .fileIsEmpty)
        } else {
            #expect(thrown?.underlying as? NPYError == error)
        }
        #expect(thrown.map { !String(describing: $0).contains("\n") } == true)
    }

    @Test func messagesReadAsSentences() {
        #expect(NPYError.objectDType.description
            == "object arrays (|O) are refused: they need pickle, which quantize never runs")
        #expect(NPYError.trailingData(count: 3).description == "3 unexpected bytes after the array data")
        #expect(NPYError.unsupportedDType("'<c8'").description
            == "unsupported dtype '<c8': complex numbers are not supported; quantize reads "
            + "float16/32/64, signed and unsigned integers of 1 to 8 bytes, and bool")
        #expect(NPYError.unsupportedDType("'<i16'").description.hasPrefix(
            "unsupported dtype '<i16': only 1, 2, 4 and 8-byte integers are supported;"))
        #expect(NPYError.unsupportedDType("'float32'").description.hasPrefix(
            "unsupported dtype 'float32': not a type quantize knows;"))
        #expect(NPYError.unsupportedDType("'<g'").description.hasPrefix("unsupported dtype '<g': long double"))
        #expect(NPYError.invalidShape(.negativeDimension(-1)).description
            == "invalid .npy shape: negative dimension -1 in shape")
    }
}

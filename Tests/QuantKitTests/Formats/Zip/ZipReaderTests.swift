import Foundation
import Testing
@testable import QuantKit

/// The directory of the zip fixtures, found from this file's path.
let zipFixtures = fixturesFolder.appendingPathComponent("zip")

func zipFixture(_ name: String) -> String {
    zipFixtures.appendingPathComponent(name).path
}

/// One member of a good fixture as Python's zipfile and zlib see it (Fixtures/zip/MANIFEST.json).
struct ZipManifestMember: Decodable, Equatable {
    let name: String
    let size: UInt64
    let crc32: UInt32
    let method: UInt16
}

struct ZipManifest: Decodable {
    let good: [String: [ZipManifestMember]]
    /// Bad fixture name to the name of the `ZipError` case it must give.
    let bad: [String: String]

    static func load() throws -> ZipManifest {
        let data = try Data(contentsOf: zipFixtures.appendingPathComponent("MANIFEST.json"))
        return try JSONDecoder().decode(ZipManifest.self, from: data)
    }
}

/// Opens `path` and reads every member in full, as a loader would.
func readEveryMember(_ path: String) throws(ZipError) -> [String: [UInt8]] {
    let archive = try ZipReader(path: path)
    var contents: [String: [UInt8]] = [:]
    for entry in archive.entries {
        contents[entry.name] = try archive.readAll(entry)
    }
    return contents
}

func crc32(of bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBytes { zipCRC32(0, $0) }
}

let goodZipFixtures = [
    "savez.npz", "savez_compressed.npz", "comment.zip", "data_descriptor.zip", "utf8_names.zip",
    "zip64_end.zip", "empty_archive.zip", "empty_member.zip",
]

@Test(arguments: goodZipFixtures)
func goodArchiveListsMembersWithPythonsContent(_ fixture: String) throws {
    let expected = try #require(try ZipManifest.load().good[fixture])
    let archive = try ZipReader(path: zipFixture(fixture))
    #expect(archive.entries.map(\.name) == expected.map(\.name))
    for (entry, member) in zip(archive.entries, expected) {
        #expect(entry.uncompressedSize == member.size)
        #expect(entry.crc32 == member.crc32)
        #expect(entry.method == member.method)
        let content = try archive.readAll(entry)
        #expect(UInt64(content.count) == member.size)
        #expect(crc32(of: content) == member.crc32)
    }
}

@Test(arguments: goodZipFixtures)
func smallReadsGiveTheSameBytesAsReadAll(_ fixture: String) throws {
    let archive = try ZipReader(path: zipFixture(fixture))
    for entry in archive.entries {
        let member = try archive.openMember(entry)
        var pieces: [UInt8] = []
        while case let piece = try member.read(maxCount: 7), !piece.isEmpty {
            #expect(piece.count <= 7)
            pieces += piece
        }
        #expect(member.bytesRemaining == 0)
        #expect(pieces == (try archive.readAll(entry)))
    }
}

@Test func savezMembersAreStoredWithZip64LocalExtrasAndDataAfterThem() throws {
    let archive = try ZipReader(path: zipFixture("savez.npz"))
    let weight = try #require(archive.entry(named: "weight.npy"))
    #expect(weight.method == 0)
    #expect(weight.localHeaderOffset == 0)
    // 30-byte local header, 10-byte name, 20-byte ZIP64 extra field.
    #expect(try archive.openMember(weight).dataOffset == 60)
    let content = try archive.readAll(weight)
    #expect(Array(content.prefix(6)) == [0x93] + Array("NUMPY".utf8))
}

@Test func compressedSavezMembersAreDeflated() throws {
    let archive = try ZipReader(path: zipFixture("savez_compressed.npz"))
    let zeros = try #require(archive.entry(named: "zeros.npy"))
    #expect(zeros.method == 8)
    #expect(zeros.compressedSize < zeros.uncompressedSize / 10)
    let content = try archive.readAll(zeros)
    #expect(content.count == 128 + 4096 * 4)
    #expect(content.dropFirst(128).allSatisfy { $0 == 0 })
}

@Test func archiveCommentIsKept() throws {
    let archive = try ZipReader(path: zipFixture("comment.zip"))
    #expect(archive.comment == Array("an archive comment".utf8))
    #expect(try archive.readAll(archive.entries[1]) == Array(0 ... 255))
}

@Test func dataDescriptorMembersUseCentralDirectorySizes() throws {
    let archive = try ZipReader(path: zipFixture("data_descriptor.zip"))
    let entry = archive.entries[0]
    #expect(entry.flags & 0x8 != 0)
    let text = try archive.readAll(entry)
    #expect(text == Array(String(repeating: "written through a non-seekable stream\n", count: 50).utf8))
}

@Test func utf8NamesAndFoldersAreDecoded() throws {
    let archive = try ZipReader(path: zipFixture("utf8_names.zip"))
    #expect(archive.entries.map(\.name) == ["layers/", "layers/0/weight.npy", "größe.npy", "层/权重.npy"])
    #expect(archive.entries.map(\.isDirectory) == [true, false, false, false])
    #expect(archive.entries[2].flags & 0x800 != 0)
    #expect(try archive.readAll(archive.entries[3]) == Array("cjk".utf8))
}

@Test func zip64EndRecordAndCentralExtraAreFollowed() throws {
    let archive = try ZipReader(path: zipFixture("zip64_end.zip"))
    #expect(archive.entries.count == 2)
    let second = archive.entries[1]
    #expect(second.uncompressedSize == 3000)
    #expect(second.localHeaderOffset == 30 + 9 + 16)
    #expect(try archive.readAll(second) == Array(String(repeating: "abc", count: 1000).utf8))
}

@Test func emptyArchiveHasNoEntries() throws {
    #expect(try ZipReader(path: zipFixture("empty_archive.zip")).entries.isEmpty)
}

/// A bad fixture and the exact error reading it must give.
struct BadZipFixture: Sendable, CustomStringConvertible {
    let file: String
    let error: ZipError
    var description: String { file }
}

let badZipFixtures = [
    BadZipFixture(file: "empty.zip", error: .emptyFile),
    BadZipFixture(file: "truncated.zip", error: .noEndOfCentralDirectory),
    BadZipFixture(file: "no_eocd.zip", error: .noEndOfCentralDirectory),
    BadZipFixture(file: "cd_out_of_bounds.zip", error: .centralDirectoryOutOfBounds),
    BadZipFixture(file: "count_mismatch.zip", error: .entryCountMismatch(declared: 1, found: 2)),
    BadZipFixture(file: "too_many_entries.zip", error: .tooManyEntries(declared: 2_000_000, limit: 1_000_000)),
    BadZipFixture(file: "bad_central_signature.zip", error: .truncatedCentralDirectory(entryIndex: 1)),
    BadZipFixture(file: "spanned.zip", error: .spannedArchive),
    BadZipFixture(file: "missing_zip64_extra.zip", error: .badZip64ExtraField(member: "z.npy")),
    BadZipFixture(file: "crc_mismatch.npz",
                  error: .crcMismatch(member: "weight.npy", stored: 0xa491_53e7, computed: 0xb209_0e17)),
    BadZipFixture(file: "corrupt_deflate.zip", error: .corruptDeflate(member: "bad.bin", message: "invalid block type")),
    BadZipFixture(file: "encrypted.zip", error: .encrypted(member: "secret.npy")),
    BadZipFixture(file: "bzip2.zip", error: .unsupportedMethod(member: "b.npy", method: 12)),
    BadZipFixture(file: "parent_name.zip", error: .unsafeName("../evil.npy")),
    BadZipFixture(file: "absolute_name.zip", error: .unsafeName("/abs.npy")),
    BadZipFixture(file: "drive_name.zip", error: .unsafeName("C:\\x.npy")),
    BadZipFixture(file: "nul_name.zip", error: .unsafeName("a\0b.npy")),
    BadZipFixture(file: "duplicate_names.zip", error: .duplicateName("w.npy")),
    BadZipFixture(file: "bomb_lied_size.zip", error: .inflatesBeyondDeclaredSize(member: "bomb.bin", declared: 1000)),
    BadZipFixture(file: "bomb_ratio.zip", error: .implausibleCompressionRatio(
        member: "bomb.bin", compressed: 1033, uncompressed: 10_000_000_000)),
    BadZipFixture(file: "truncated_deflate.zip", error: .corruptDeflate(
        member: "cut.bin", message: "compressed data ends before the deflate stream")),
    BadZipFixture(file: "short_inflate.zip",
                  error: .inflatesShortOfDeclaredSize(member: "short.bin", declared: 200, actual: 100)),
    BadZipFixture(file: "past_eof.zip", error: .memberDataOutOfBounds(member: "big.npy")),
    BadZipFixture(file: "stored_size_mismatch.zip",
                  error: .storedSizeMismatch(member: "s.npy", compressed: 6, uncompressed: 3)),
    BadZipFixture(file: "local_signature.zip", error: .badLocalHeaderSignature(member: "l.npy")),
    BadZipFixture(file: "latin1_name.zip", error: .nonASCIILegacyName(member: "caf\u{FFFD}.npy")),
    BadZipFixture(file: "bad_utf8_name.zip", error: .nameNotUTF8(member: "caf\u{FFFD}.npy")),
]

@Test(arguments: badZipFixtures)
func badArchiveIsRefusedWithTheExactError(_ fixture: BadZipFixture) {
    #expect(throws: fixture.error) { try readEveryMember(zipFixture(fixture.file)) }
}

@Test func everyBadFixtureIsCoveredAndNamesTheManifestsCase() throws {
    let manifest = try ZipManifest.load()
    #expect(Set(badZipFixtures.map(\.file)) == Set(manifest.bad.keys))
    for fixture in badZipFixtures {
        #expect(caseName(of: fixture.error) == manifest.bad[fixture.file], "\(fixture.file)")
    }
}

/// The name of `error`'s case: a payload's label, or for the cases without payload, spelled out.
func caseName(of error: ZipError) -> String {
    if let label = Mirror(reflecting: error).children.first?.label { return label }
    switch error {
    case .emptyFile: return "emptyFile"
    case .noEndOfCentralDirectory: return "noEndOfCentralDirectory"
    case .centralDirectoryOutOfBounds: return "centralDirectoryOutOfBounds"
    case .spannedArchive: return "spannedArchive"
    default: return "\(error)"
    }
}

@Test func zipBombRatioIsRefusedBeforeAnyDataIsRead() throws {
    let archive = try ZipReader(path: zipFixture("bomb_ratio.zip"))
    #expect(archive.entries[0].uncompressedSize == 10_000_000_000)
    #expect {
        _ = try archive.openMember(archive.entries[0])
    } throws: { error in
        guard case ZipError.implausibleCompressionRatio = error else { return false }
        return true
    }
}

@Test func errorMessagesAreOneLineAndNameTheMember() {
    #expect(ZipError.crcMismatch(member: "fc1.weight.npy", stored: 0x1234_abcd, computed: 0xff00ff).description
        == "member 'fc1.weight.npy': CRC-32 mismatch (stored 0x1234abcd, computed 0x00ff00ff)")
    #expect(ZipError.unsupportedMethod(member: "b.npy", method: 12).description
        == "member 'b.npy': compression method 12 (bzip2) is not supported (only stored and deflate)")
    #expect(ZipError.encrypted(member: "s.npy").description == "member 's.npy': encrypted members are not supported")
    #expect(ZipError.unsafeName("../../etc/passwd").description == "unsafe member name '../../etc/passwd'")
}

@Test(arguments: [
    ("weight.npy", false), ("layers/0/weight.npy", false), ("a..b.npy", false), ("dir/", false),
    ("", true), ("/abs.npy", true), ("\\abs.npy", true), ("C:\\x.npy", true), ("c:x", true),
    ("../evil.npy", true), ("a/../../b", true), ("a\\..\\b", true), ("..", true), ("a\0b", true),
])
func unsafeNamesAreRecognized(_ name: String, _ unsafe: Bool) {
    #expect(isUnsafeZipMemberName(name) == unsafe)
}

@Test func missingFileIsAnOpenError() {
    #expect {
        _ = try ZipReader(path: zipFixture("does-not-exist.zip"))
    } throws: { error in
        guard case ZipError.file(.noSuchFile) = error else { return false }
        return true
    }
}

import Foundation
import Testing
@testable import QuantKit

/// A fresh path in a new temporary directory, removed by the caller via `removeTemporary`.
func temporaryZipPath(_ name: String = "out.zip") throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ZipTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent(name).path
}

func removeTemporary(_ path: String) {
    try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
}

/// Writes `members` (name, compressed, content) to `path` in one `write` call each.
func writeZip(_ path: String, _ members: [(String, Bool, [UInt8])]) throws {
    let writer = try ZipWriter(path: path)
    for (name, compressed, content) in members {
        try writer.beginMember(name: name, compressed: compressed)
        try writer.write(content)
        try writer.endMember()
    }
    try writer.finish()
}

/// Deterministic bytes that deflate somewhat but not trivially.
func patternBytes(_ count: Int, seed: UInt32 = 1) -> [UInt8] {
    var state = seed
    return (0 ..< count).map { index in
        state = state &* 1_664_525 &+ 1_013_904_223
        return index % 3 == 0 ? UInt8(truncatingIfNeeded: state >> 24) : UInt8(truncatingIfNeeded: index / 64)
    }
}

/// A float32 `.npy` file (format 1.0) of shape (2, 2) holding 1, 2, 3, 4, built by hand.
func smallNPY() -> [UInt8] {
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
    bytes.appendLittleEndian(UInt16(header.utf8.count))
    bytes += Array(header.utf8)
    for value: Float in [1, 2, 3, 4] { bytes.appendLittleEndian(value.bitPattern) }
    return bytes
}

let writerSampleMembers: [(String, Bool, [UInt8])] = [
    ("weight.npy", true, smallNPY()),
    ("stored.bin", false, patternBytes(1000)),
    ("deflated.bin", true, patternBytes(70_000, seed: 7)),
    ("empty-stored.bin", false, []),
    ("empty-deflated.bin", true, []),
    ("größe/ünïcode.bin", true, Array("utf-8 name".utf8)),
]

@Test func writtenMembersReadBackIdentically() throws {
    let path = try temporaryZipPath()
    defer { removeTemporary(path) }
    try writeZip(path, writerSampleMembers)
    let archive = try ZipReader(path: path)
    #expect(archive.entries.map(\.name) == writerSampleMembers.map(\.0))
    for (entry, (_, compressed, content)) in zip(archive.entries, writerSampleMembers) {
        #expect(entry.method == (compressed ? 8 : 0))
        #expect(entry.uncompressedSize == UInt64(content.count))
        #expect(try archive.readAll(entry) == content)
    }
    #expect(archive.entries[5].flags & 0x800 != 0)
    #expect(archive.entries[0].flags & 0x800 == 0)
    #expect(archive.entries[2].compressedSize < archive.entries[2].uncompressedSize)
}

@Test(arguments: [false, true])
func fiveMegabyteMemberWrittenInPiecesReadsBack(compressed: Bool) throws {
    let path = try temporaryZipPath()
    defer { removeTemporary(path) }
    let content = patternBytes(5 * 1024 * 1024 + 17, seed: 3)
    let writer = try ZipWriter(path: path)
    try writer.beginMember(name: "big.bin", compressed: compressed)
    var start = 0
    for pieceSize in [1, 100_000, 3_000_000, 1 << 20, 7] + Array(repeating: 333_333, count: 10) where start < content.count {
        let end = min(start + pieceSize, content.count)
        try writer.write(Array(content[start ..< end]))
        start = end
    }
    #expect(start == content.count)
    try writer.endMember()
    try writer.finish()

    let archive = try ZipReader(path: path)
    let member = try archive.openMember(archive.entries[0])
    var readBack: [UInt8] = []
    while case let piece = try member.read(maxCount: 123_457), !piece.isEmpty { readBack += piece }
    #expect(readBack == content)
}

@Test func seventyThousandMembersUseAZip64EndRecord() throws {
    let path = try temporaryZipPath()
    defer { removeTemporary(path) }
    let count = 70_000
    let writer = try ZipWriter(path: path)
    for index in 0 ..< count {
        try writer.beginMember(name: "m\(index)", compressed: false)
        try writer.write(Array("\(index)".utf8))
        try writer.endMember()
    }
    try writer.finish()
    let archive = try ZipReader(path: path)
    #expect(archive.entries.count == count)
    #expect(archive.entries.last?.name == "m69999")
    #expect(try archive.readAll(archive.entries[65_536]) == Array("65536".utf8))
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
    // The end record's 16-bit counts say "see ZIP64" and the ZIP64 locator sits before it.
    #expect(Array(bytes[bytes.count - 22 + 8 ..< bytes.count - 22 + 12]) == [0xFF, 0xFF, 0xFF, 0xFF])
    #expect(Array(bytes[bytes.count - 42 ..< bytes.count - 38]) == [0x50, 0x4B, 0x06, 0x07])
}

@Test func writingTheSameMembersGivesTheSameBytes() throws {
    let first = try temporaryZipPath()
    let second = try temporaryZipPath()
    defer { removeTemporary(first); removeTemporary(second) }
    try writeZip(first, writerSampleMembers)
    try writeZip(second, writerSampleMembers)
    #expect(try Data(contentsOf: URL(fileURLWithPath: first)) == Data(contentsOf: URL(fileURLWithPath: second)))
}

@Test func writerRefusesNamesTheReaderWouldRefuse() throws {
    let path = try temporaryZipPath()
    defer { removeTemporary(path) }
    let writer = try ZipWriter(path: path)
    #expect(throws: ZipError.unsafeName("../evil.npy")) { try writer.beginMember(name: "../evil.npy", compressed: false) }
    #expect(throws: ZipError.unsafeName("/abs.npy")) { try writer.beginMember(name: "/abs.npy", compressed: true) }
    try writer.beginMember(name: "w.npy", compressed: false)
    try writer.endMember()
    #expect(throws: ZipError.duplicateName("w.npy")) { try writer.beginMember(name: "w.npy", compressed: true) }
    let long = String(repeating: "n", count: 70_000)
    #expect(throws: ZipError.nameTooLong(long)) { try writer.beginMember(name: long, compressed: false) }
    try writer.finish()
    #expect(try ZipReader(path: path).entries.map(\.name) == ["w.npy"])
}

/// Whether `python3` with `zipfile` can be run, for the interoperability test.
let pythonZipfileAvailable: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import zipfile"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}()

/// The standard output of `python3 -c script arguments...`; the process must exit with 0.
func runPython(_ script: String, _ arguments: String...) throws -> Data {
    let process = Process()
    let output = Pipe()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0)
    return data
}

/// What the Python side reports about a written archive.
struct PythonZipReport: Decodable {
    let testzip: String?
    let members: [String: [UInt64]]
    /// The loaded `weight.npy`, flattened, when NumPy is installed.
    let weight: [Float]?
}

/// Runs Python's `zipfile.testzip()` (which reads and CRC-checks every member) on the archive,
/// reports each member's size and zlib CRC-32, and, when NumPy is installed, `np.load`s it.
let pythonZipCheck = """
import json, sys, zipfile, zlib
with zipfile.ZipFile(sys.argv[1]) as zf:
    report = {"testzip": zf.testzip(),
              "members": {i.filename: [i.file_size, zlib.crc32(zf.read(i))] for i in zf.infolist()}}
try:
    import numpy as np
    with np.load(sys.argv[1]) as npz:
        report["weight"] = npz["weight"].ravel().tolist()
except ImportError:
    report["weight"] = None
print(json.dumps(report))
"""

// Skipped when python3 or its zipfile module cannot be run: the writer is then checked by
// ZipReader alone.
@Test(.enabled(if: pythonZipfileAvailable, "python3 with zipfile is not available"))
func pythonZipfileAndNumpyReadWrittenArchives() throws {
    let path = try temporaryZipPath("out.npz")
    defer { removeTemporary(path) }
    try writeZip(path, writerSampleMembers)

    let data = try runPython(pythonZipCheck, path)
    let report = try JSONDecoder().decode(PythonZipReport.self, from: data)
    #expect(report.testzip == nil)
    #expect(Set(report.members.keys) == Set(writerSampleMembers.map(\.0)))
    for (name, _, content) in writerSampleMembers {
        #expect(report.members[name] == [UInt64(content.count), UInt64(crc32(of: content))], "\(name)")
    }
    if let weight = report.weight {
        #expect(weight == [1, 2, 3, 4])
    }
}

@Test(arguments: [
    // (uncompressed, compressed, offset, bytes in the ZIP64 field)
    (UInt64(10), UInt64(5), UInt64(0), 0),
    (0x2_0000_0000, 0x1_0000_0005, 0xFFFF_FFFF, 24),
    (0xFFFF_FFFE, 0xFFFF_FFFE, 0x1_2345_6789, 8),
    (0xFFFF_FFFF, 12, 7, 8),
])
func centralHeaderCarriesZip64ValuesOnlyWhereNeeded(
    uncompressed: UInt64, compressed: UInt64, offset: UInt64, zip64Bytes: Int
) throws {
    let record = ZipWriter.CentralRecord(
        nameBytes: Array("big.npy".utf8), flags: 0, method: 8, crc: 0xdead_beef,
        compressedSize: compressed, uncompressedSize: uncompressed, localHeaderOffset: offset)
    let header = ZipWriter.centralHeader(for: record)
    #expect(header.count == 46 + 7 + (zip64Bytes == 0 ? 0 : 4 + zip64Bytes))
    var cursor = ByteReader(header)
    let entry = try ZipCentralDirectory.parseHeader(&cursor, index: 0)
    #expect(cursor.remaining == 0)
    #expect(entry == ZipEntry(name: "big.npy", method: 8, flags: 0, crc32: 0xdead_beef, compressedSize: compressed,
                              uncompressedSize: uncompressed, localHeaderOffset: offset))
}

// Skipped when python3 or its zipfile module cannot be run.
@Test(.enabled(if: pythonZipfileAvailable, "python3 with zipfile is not available"))
func pythonZipfileReadsTheZip64EndRecordOfManyMembers() throws {
    let path = try temporaryZipPath()
    defer { removeTemporary(path) }
    let writer = try ZipWriter(path: path)
    for index in 0 ..< 66_000 {
        try writer.beginMember(name: "m\(index)", compressed: index % 2 == 0)
        try writer.write(Array("\(index)".utf8))
        try writer.endMember()
    }
    try writer.finish()
    let script = """
    import sys, zipfile
    with zipfile.ZipFile(sys.argv[1]) as zf:
        print(len(zf.infolist()), zf.testzip(), zf.read("m65999").decode())
    """
    let output = String(decoding: try runPython(script, path), as: UTF8.self)
    #expect(output == "66000 None 65999\n")
}

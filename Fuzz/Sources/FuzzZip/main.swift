import FuzzSupport
import QuantKit

/// The zip reader: central directory (ZIP64 included), every member opened and read in full
/// (stored and inflated, CRC-checked), then the same file as an `.npz` (member `.npy` headers
/// checked against declared sizes, tensors loaded and mapped), as a quantized archive, and with
/// a microscaling record (`MicroscaledSource.readingRecorded`).
///
/// A mutation inside a member's data almost always breaks its CRC-32, which stops the reader
/// before the member's content is used. So when a member's CRC is the only thing wrong, the
/// input is read a second time with the central directory's CRC replaced by the computed one,
/// and the mutated content reaches the `.npy` and archive layers.
func fuzzZip(_ input: UnsafeRawBufferPointer) {
    var repaired = Array(input)
    var changed = false
    let path = FuzzSupport.file(with: input, suffix: ".npz")
    if let archive = try? ZipReader(path: path) {
        for entry in archive.entries {
            do {
                let bytes = try archive.readAll(entry)
                precondition(UInt64(bytes.count) == entry.uncompressedSize, "a verified member has its declared size")
            } catch ZipError.crcMismatch(_, let stored, let computed) {
                changed = replaceCentralCRC(of: entry.name, stored: stored, by: computed, in: &repaired) || changed
            } catch {}
        }
    }
    if let source = try? NPZSource(path: path, threads: 2) {
        FuzzSupport.exercise(source)
        // A `__microscaling__` record: the weights it lists read dequantized.
        if let microscaled = try? MicroscaledSource.readingRecorded(source) {
            FuzzSupport.exercise(microscaled)
        }
    }
    if changed {
        let repairedPath = repaired.withUnsafeBytes { FuzzSupport.file(with: $0, suffix: "-repaired.npz") }
        if let source = try? NPZSource(path: repairedPath, threads: 2) {
            FuzzSupport.exercise(source)
        }
    }
}

/// Replaces `stored` by `computed` in every central directory header (APPNOTE 4.3.12: CRC at
/// offset 16, name length at 28, name at 46) of a member called `name`; whether any was found.
func replaceCentralCRC(of name: String, stored: UInt32, by computed: UInt32, in bytes: inout [UInt8]) -> Bool {
    let nameBytes = Array(name.utf8)
    let signature: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
    let le32 = { (value: UInt32) in (0 ..< 4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    var found = false
    var start = 0
    while start + 46 + nameBytes.count <= bytes.count {
        defer { start += 1 }
        guard bytes[start ..< start + 4].elementsEqual(signature),
              bytes[start + 16 ..< start + 20].elementsEqual(le32(stored)),
              Int(bytes[start + 28]) | Int(bytes[start + 29]) << 8 == nameBytes.count,
              bytes[start + 46 ..< start + 46 + nameBytes.count].elementsEqual(nameBytes) else { continue }
        bytes.replaceSubrange(start + 16 ..< start + 20, with: le32(computed))
        found = true
    }
    return found
}

FuzzSupport.run { data, size in
    fuzzZip(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

import FuzzSupport
import QuantKit

/// The zip reader: central directory (ZIP64 included), every member opened and read in full
/// (stored and inflated, CRC-checked), then the same file as an `.npz` (member `.npy` headers
/// checked against declared sizes, tensors loaded and mapped) and as a quantized archive.
func fuzzZip(_ input: UnsafeRawBufferPointer) {
    let path = FuzzSupport.file(with: input, suffix: ".npz")
    if let archive = try? ZipReader(path: path) {
        for entry in archive.entries {
            if let bytes = try? archive.readAll(entry) {
                precondition(UInt64(bytes.count) == entry.uncompressedSize, "a verified member has its declared size")
            }
        }
    }
    if let source = try? NPZSource(path: path, threads: 2) {
        FuzzSupport.exercise(source)
    }
}

FuzzSupport.run { data, size in
    fuzzZip(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

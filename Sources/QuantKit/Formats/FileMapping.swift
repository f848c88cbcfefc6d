#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `count` bytes of a file at `offset`, mapped read-only into memory (`mmap`, private), so that
/// stored data is used where the page cache holds it instead of being copied into a buffer
/// first. Unmapped when the last reference goes away.
///
/// The pages are faulted in by the first pass over them (the CRC-32 check, on every core; this
/// measured faster than `MAP_POPULATE`'s single-threaded population), and `MADV_WILLNEED`
/// starts reading a file that is not in the page cache ahead of that pass.
///
/// A mapping sees the file as it is: if another process truncates the file while it is mapped,
/// reading the lost pages raises `SIGBUS` (as with every mmap-based reader, llama.cpp's
/// included). The bytes are checked against the zip directory's CRC before they are used.
final class FileMapping {
    /// The mapped bytes.
    let bytes: UnsafeRawBufferPointer
    /// The whole mapping, from the page boundary at or before `offset`.
    private let region: UnsafeMutableRawBufferPointer?

    /// Maps `count` bytes of `file` at `offset`; refuses a range past the end of the file as it
    /// is now (it may have shrunk since it was opened).
    init(file: ReadOnlyFile, offset: UInt64, count: Int) throws(FileReadError) {
        var status = stat()
        guard fstat(file.descriptor, &status) == 0 else { throw .systemError(operation: "stat", errno: errno) }
        let (end, overflow) = offset.addingReportingOverflow(UInt64(count))
        guard !overflow, end <= min(file.size, UInt64(max(0, status.st_size))) else {
            throw .unexpectedEnd(offset: offset, count: count)
        }
        guard count > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            region = nil
            return
        }
        let page = UInt64(sysconf(Int32(_SC_PAGESIZE)))
        let start = offset - offset % page
        let length = Int(end - start)
        guard let base = mmap(nil, length, PROT_READ, MAP_PRIVATE, file.descriptor, off_t(start)), base != MAP_FAILED else {
            throw .systemError(operation: "mmap", errno: errno)
        }
        madvise(base, length, MADV_WILLNEED)
        region = UnsafeMutableRawBufferPointer(start: base, count: length)
        bytes = UnsafeRawBufferPointer(start: base + Int(offset - start), count: count)
    }

    /// Drops the mapped pages that lie wholly before `offset` (in `bytes`) from this process
    /// (`MADV_DONTNEED`: they stay in the page cache, and would be read again if touched), so
    /// that a reader going through the mapping front to back keeps only what it still needs
    /// resident.
    func releasePages(before offset: Int) {
        guard let region, let base = bytes.baseAddress else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = (base - UnsafeRawPointer(region.baseAddress!)) + min(max(offset, 0), bytes.count)
        let length = end - end % page
        if length > 0 { madvise(region.baseAddress, length, MADV_DONTNEED) }
    }

    deinit {
        if let region { munmap(region.baseAddress, region.count) }
    }
}

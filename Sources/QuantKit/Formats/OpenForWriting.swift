import Foundation

/// Opens `path` for writing, creating it (mode `0644` before the umask) or emptying it, and
/// returns the descriptor, or -1 with `errno` set.
///
/// An empty file is not truncated again: on ext4, truncating a file to zero marks it so that
/// its `close` starts writing all its dirty pages back and waits for the block layer to accept
/// them (`auto_da_alloc`, meant for programs that rewrite a file in place without `fsync`).
/// Our outputs are fresh temporary files, already empty, so `O_TRUNC` on them only made every
/// run's last `close` wait for the disk: about 0.1 s per 256 MiB written on the benchmark VM.
func openForWriting(_ path: String) -> Int32 {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { return descriptor }
    var status = stat()
    if fstat(descriptor, &status) != 0 || (status.st_size != 0 && ftruncate(descriptor, 0) != 0) {
        let failure = errno
        close(descriptor)
        errno = failure
        return -1
    }
    return descriptor
}

/// Writes all of `bytes` to `descriptor`, retrying on interrupts and short writes; returns 0, or
/// the `errno` of the write that failed (`EIO` for one that wrote nothing, which would
/// otherwise be retried forever). Each writer turns a failure into its own typed error.
func writeFully(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
    var done = 0
    while done < bytes.count {
        let written = write(descriptor, bytes.baseAddress! + done, bytes.count - done)
        if written < 0, errno == EINTR { continue }
        guard written > 0 else { return written == 0 ? EIO : errno }
        done += written
    }
    return 0
}

/// Writes all of `bytes` to `descriptor` at file offset `offset` (`pwrite`, which leaves the
/// descriptor's own offset where it was), as `writeFully` does otherwise: retrying on interrupts
/// and short writes; returns 0 or the failing write's `errno`.
func writeFully(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, at offset: UInt64) -> Int32 {
    var done = 0
    while done < bytes.count {
        let written = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
        if written < 0, errno == EINTR { continue }
        guard written > 0 else { return written == 0 ? EIO : errno }
        done += written
    }
    return 0
}

/// Writes all of `bytes` to `output`'s temporary file and commits it to its destination, a
/// failure to create, write or close named as `OutputError.cannotCreate(path, reason)`.
func writeAndCommit(_ bytes: [UInt8], to output: AtomicOutput, path: String) throws {
    let descriptor = openForWriting(output.temporaryPath)
    guard descriptor >= 0 else { throw OutputError.cannotCreate(path, String(cString: strerror(errno))) }
    var failure = bytes.withUnsafeBytes { writeFully(descriptor, $0) }
    if close(descriptor) != 0, failure == 0 { failure = errno }
    guard failure == 0 else { throw OutputError.cannotCreate(path, String(cString: strerror(failure))) }
    try output.commit()
}

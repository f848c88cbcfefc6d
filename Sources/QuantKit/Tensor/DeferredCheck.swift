/// A check of a tensor's bytes that its source would have made as it read them (a stored zip
/// member's CRC-32), left to the reader of the bytes, who reads every byte anyway and can make
/// it while each piece is in cache (`TensorSource.readLeavingCheck`). Until `finish` or `check`
/// returns, the bytes are unverified: nothing computed from them may be committed.
public protocol DeferredCheck: AnyObject, Sendable {
    /// Takes in `bytes`, which start at byte `offset` of the data. Any thread, any order; each
    /// byte exactly once.
    func absorb(_ bytes: UnsafeRawBufferPointer, at offset: Int)
    /// Throws the source's error (naming the file and member) unless the bytes absorbed, which
    /// must be all of them, pass.
    func finish() throws
    /// Throws the source's error unless `data`, all of the bytes, passes (whatever was absorbed).
    func check(_ data: UnsafeRawBufferPointer) throws
}

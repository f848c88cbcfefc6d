/// Where the codes of one batch of pieces go: the code bytes in flat order at `base` (code of
/// flat index `i` at `base + i - first`), or, with a `packing`, each piece packed where it was
/// quantized, its bytes at `base + packing.byteOffset(of: start) - packing.byteOffset(of: first)`
/// (pieces must then start and end on word boundaries).
struct BatchOutput {
    let base: UnsafeMutablePointer<UInt8>
    /// The flat index of the batch's first code.
    let first: Int
    let packing: RowPacking?

    /// Puts the codes of the `count` elements from flat index `start`, which `produce` writes
    /// (in order, one byte each) to the pointer it is given, in their place: straight there
    /// when stored as they are, else through a scratch buffer of the thread's own, packed.
    func write(start: Int, count: Int, _ produce: (UnsafeMutablePointer<UInt8>) -> Void) {
        guard let packing, !packing.isIdentity else {
            produce(base + (start - first))
            return
        }
        let target = base + (packing.byteOffset(of: start) - packing.byteOffset(of: first))
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Swift.max(count, 1)) { scratch in
            produce(scratch.baseAddress!)
            packing.pack(scratch.baseAddress!, count: count, from: start, into: target)
        }
    }
}

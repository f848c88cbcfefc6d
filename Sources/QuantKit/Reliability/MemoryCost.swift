/// What a tensor is charged against the `MemoryBudget`: the memory its processing holds at
/// once, beyond the program's own.
///
/// - A tensor kept as it is (passthrough) is copied in pieces of `pieceSize` bytes, from stored
///   and deflated members alike, two pieces in flight: `min(size, 2 * pieceSize)`.
/// - A quantized tensor is held whole, because its scales need every value before the first
///   code can be written: its stored bytes (mapped from the file, or inflated into a buffer),
///   plus a float32 copy when it is stored in another float type (`4 * elements`).
/// - When the next tensor is read on a second thread while this one inflates
///   (`TensorPrefetcher`), the pair is charged together; the prefetcher reads them one at a
///   time instead when the pair would not fit.
/// - Dequantizing a tensor holds its codes and two float32 copies (`9 * elements` bytes).
/// - Evaluating holds the whole model: every tensor as float32, its codes and a dequantized
///   copy (`9 * elements` bytes summed over the model; the evaluation rows are not counted).
///
/// Not charged (the quarter of memory the default leaves): code batches and write buffers (a
/// few MiB), per-channel and per-group scales, zlib's state.
public enum MemoryCost {
    /// The size of the pieces passthrough tensors are copied in.
    public static let pieceSize = 8 << 20

    /// A tensor copied as it is.
    public static func passthrough(_ info: TensorInfo) -> Int {
        min(info.storedByteCount, 2 * pieceSize)
    }

    /// A tensor quantized whole.
    public static func quantizing(_ info: TensorInfo) -> Int {
        let elements = info.dtype.byteSize == 0 ? 0 : info.storedByteCount / info.dtype.byteSize
        let converted = info.dtype == .float32 ? 0 : elements.multipliedReportingOverflow(by: 4).partialValue
        return info.storedByteCount.addingReportingOverflow(converted).partialValue
    }

    /// A model of `tensors` evaluated (see the type).
    public static func evaluating(_ tensors: [TensorInfo]) -> Int {
        tensors.reduce(0) { total, info in
            let elements = info.dtype.byteSize == 0 ? 0 : info.storedByteCount / info.dtype.byteSize
            return total.addingReportingOverflow(elements.multipliedReportingOverflow(by: 9).partialValue).partialValue
        }
    }

    /// A quantized tensor of `shape` dequantized to float32.
    public static func dequantizing(shape: [Int]) -> Int {
        let elements = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
        return elements.multipliedReportingOverflow(by: 9).partialValue
    }
}

extension MemoryBudget {
    /// Refuses evaluating the model of `tensors` read from `path` when it does not fit.
    public func checkEvaluation(of tensors: [TensorInfo], path: String) throws(FileError) {
        let needed = MemoryCost.evaluating(tensors)
        guard needed <= bytes else {
            throw FileError(path: path, MemoryBudgetError.modelOverBudget(
                needed: needed, modelBytes: tensors.reduce(0) { $0 + $1.storedByteCount }, budget: self))
        }
    }
}

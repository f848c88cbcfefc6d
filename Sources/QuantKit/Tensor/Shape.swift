/// Checked shape arithmetic: every size that comes from a file goes through here.
public enum ShapeError: Error, Equatable, Sendable, CustomStringConvertible {
    case negativeDimension(Int)
    case elementCountOverflow([Int])
    case byteSizeOverflow([Int], elementSize: Int)

    public var description: String {
        switch self {
        case .negativeDimension(let dim):
            "negative dimension \(dim) in shape"
        case .elementCountOverflow(let shape):
            "shape \(formatShape(shape)) has more elements than fit in a 64-bit count"
        case .byteSizeOverflow(let shape, let elementSize):
            "shape \(formatShape(shape)) at \(elementSize) bytes per element overflows a 64-bit size"
        }
    }
}

/// The number of elements of `shape` (1 for a 0-d shape), refusing negative dimensions and overflow.
public func elementCount(of shape: [Int]) throws(ShapeError) -> Int {
    var count = 1
    for dim in shape {
        guard dim >= 0 else { throw .negativeDimension(dim) }
        let (product, overflow) = count.multipliedReportingOverflow(by: dim)
        guard !overflow else { throw .elementCountOverflow(shape) }
        count = product
    }
    return count
}

/// The number of bytes of `shape` at `elementSize` bytes each, refusing negative dimensions and overflow.
public func byteCount(of shape: [Int], elementSize: Int) throws(ShapeError) -> Int {
    let count = try elementCount(of: shape)
    let (bytes, overflow) = count.multipliedReportingOverflow(by: elementSize)
    guard !overflow else { throw .byteSizeOverflow(shape, elementSize: elementSize) }
    return bytes
}

/// A shape as NumPy prints it: `(3, 4)`, `(5,)`, `()`.
public func formatShape(_ shape: [Int]) -> String {
    shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
}

/// The multi-index of flat C-order position `flat` in `shape`: `[1, 2]` for 6 in `(2, 4)`.
public func multiIndex(ofFlat flat: Int, in shape: [Int]) -> [Int] {
    var rest = flat
    var index = [Int](repeating: 0, count: shape.count)
    for axis in shape.indices.reversed() where shape[axis] > 0 {
        index[axis] = rest % shape[axis]
        rest /= shape[axis]
    }
    return index
}

/// Reads a whole `.npy` file held in memory: header, then data, nothing after.
///
/// The data is copied once out of `bytes`; use `NPYHeader.parse` and `makeTensor` directly to
/// read from a stream.
public func readNPY(bytes: [UInt8]) throws(NPYError) -> Tensor {
    let header = try NPYHeader.parse(bytes)
    return try makeTensor(header: header, data: Array(bytes[header.headerLength...]))
}

/// The tensor described by `header` over its `data`, in C order and little-endian.
///
/// `data` must be exactly `header.dataByteCount` bytes: fewer is `truncatedData`, more is
/// `trailingData`. Little-endian C-order data becomes the tensor's storage without a copy;
/// big-endian elements are byte-swapped and Fortran-order data is transposed (any rank) into
/// one new buffer.
public func makeTensor(header: NPYHeader, data: [UInt8]) throws(NPYError) -> Tensor {
    guard data.count >= header.dataByteCount else {
        throw .truncatedData(expected: header.dataByteCount, actual: data.count)
    }
    guard data.count == header.dataByteCount else {
        throw .trailingData(count: data.count - header.dataByteCount)
    }
    // Fortran and C order coincide when at most one axis is longer than 1.
    let transposes = header.fortranOrder && header.shape.filter { $0 > 1 }.count > 1
    let bytes = transposes || header.bigEndian
        ? _cOrderLittleEndian(
            data, shape: header.shape, elementSize: header.dtype.byteSize,
            fortranOrder: transposes, swapBytes: header.bigEndian)
        : data
    do {
        return try Tensor(dtype: header.dtype, shape: header.shape, bytes: bytes)
    } catch {
        throw .invalidShape(error)
    }
}

/// Copies `data` into C order with little-endian elements.
///
/// The source is read in Fortran order (first index fastest) when `fortranOrder`, else in C
/// order, and each element's bytes are reversed when `swapBytes`. Walks the destination in C
/// order with an odometer over the multi-index, moving the source offset by that axis' stride.
/// `data.count` must be the shape's element count times `elementSize`, which must not overflow.
func _cOrderLittleEndian(
    _ data: [UInt8], shape: [Int], elementSize: Int, fortranOrder: Bool, swapBytes: Bool
) -> [UInt8] {
    let count = data.count / elementSize
    guard count > 0 else { return data }
    // With no zero dimension, every partial product of the shape is at most `count`.
    let rank = shape.count
    var strides = [Int](repeating: 1, count: rank)
    if fortranOrder {
        for axis in strides.indices.dropFirst() { strides[axis] = strides[axis - 1] * shape[axis - 1] }
    } else {
        for axis in stride(from: rank - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * shape[axis + 1] }
    }
    var index = [Int](repeating: 0, count: rank)
    var source = 0
    return [UInt8](unsafeUninitializedCapacity: data.count) { output, initialized in
        data.withUnsafeBufferPointer { input in
            for element in 0 ..< count {
                let from = source * elementSize
                let to = element * elementSize
                for byte in 0 ..< elementSize {
                    output[to + byte] = input[from + (swapBytes ? elementSize - 1 - byte : byte)]
                }
                var axis = rank - 1
                while axis >= 0 {
                    index[axis] += 1
                    source += strides[axis]
                    if index[axis] < shape[axis] { break }
                    source -= strides[axis] * shape[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        initialized = data.count
    }
}

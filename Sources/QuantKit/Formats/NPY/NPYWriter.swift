/// The `.npy` file NumPy's `np.save` writes for a C-order little-endian array: header, then
/// `tensor.bytes` as they are. A bfloat16 tensor, which NumPy cannot hold, is written widened
/// to float32 (exactly, see `Tensor.floatValues()`).
public func encodeNPY(_ tensor: Tensor) -> [UInt8] {
    if tensor.dtype == .bfloat16 {
        return encodeNPY(Tensor(shape: tensor.shape, values: tensor.floatValues()!))
    }
    return encodeNPYHeader(dtype: tensor.dtype, shape: tensor.shape) + tensor.bytes
}

/// The header NumPy 2 writes for a C-order little-endian array of `dtype` and `shape`.
///
/// The dict is `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` (keys sorted,
/// `|` as the byte order of 1-byte types), followed by `21 - digits(shape[0])` spaces that
/// NumPy reserves for growing the first axis in place (none for a 0-d shape). Spaces then pad
/// it so that magic, version, length field, dict and the final `'\n'` end on a multiple of 64
/// bytes; when the dict already ends one byte short of that, a whole 64 spaces are added, as
/// NumPy does. Version 1.0 unless the padded dict exceeds 65535 bytes, then 2.0.
///
/// `dtype` must have a NumPy code (every type but bfloat16, which writers widen first).
public func encodeNPYHeader(dtype: DType, shape: [Int]) -> [UInt8] {
    guard let code = dtype.numpyTypeCode else { preconditionFailure("\(dtype) has no NumPy type code; widen it first") }
    let descr = (dtype.byteSize == 1 ? "|" : "<") + code
    let growthSpaces = shape.first.map { max(0, 21 - String($0).count) } ?? 0
    let dict = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(formatShape(shape)), }".utf8)
        + [UInt8](repeating: 0x20, count: growthSpaces)
    let withNewline = dict.count + 1
    func padding(prefixLength: Int) -> Int { 64 - (prefixLength + withNewline) % 64 }
    var major: UInt8 = 1
    let lengthField: [UInt8]
    var padCount = padding(prefixLength: 10)
    if withNewline + padCount <= Int(UInt16.max) {
        lengthField = withUnsafeBytes(of: UInt16(withNewline + padCount).littleEndian) { Array($0) }
    } else {
        major = 2
        padCount = padding(prefixLength: 12)
        lengthField = withUnsafeBytes(of: UInt32(withNewline + padCount).littleEndian) { Array($0) }
    }
    return NPYHeader.magic + [major, 0] + lengthField + dict + [UInt8](repeating: 0x20, count: padCount) + [0x0a]
}

/// Turns the code batches the quantizer emits (int8 symmetric or uint8 asymmetric codes, in
/// flat order) into the bytes of a layout's codes member, batch by batch, before they are
/// written; one encoder per tensor (`QuantizedLayout.codeEncoder`).
///
/// `start` comes first, once, with the tensor's scales (rounded as stored) and zero points, so
/// that a layout whose blocks interleave a scale with its codes can write them together. Then
/// `encode` is called with each batch and, last, with an empty batch, which the encoder passes
/// on to `write` after any bytes it still holds (the writer's signal to finish). A batch handed
/// to `write` must stay valid until the next call to `write`: encoders alternate two buffers.
///
/// An encoder whose bytes follow from each row's codes alone says how (`rowPacking`); the
/// quantizer then packs each piece on the thread that quantized it, hands the packed bytes
/// straight to `write` and calls `encode` only with the closing empty batch, and it may
/// compute scales as it goes, so `start` is not called.
public protocol CodeEncoding: AnyObject {
    var rowPacking: RowPacking? { get }
    func start(scales: [Float], zeroPoints: [Int32])
    func encode(_ batch: UnsafeRawBufferPointer, _ write: (UnsafeRawBufferPointer) throws(FileError) -> Void) throws
}

extension CodeEncoding {
    public var rowPacking: RowPacking? { nil }
    public func start(scales: [Float], zeroPoints: [Int32]) {}
}

/// Codes written as they are (`.npz` above 4 bits, symmetric `int-quantized`).
final class UnchangedCodes: CodeEncoding {
    var rowPacking: RowPacking? { .bytes() }

    func encode(_ batch: UnsafeRawBufferPointer, _ write: (UnsafeRawBufferPointer) throws(FileError) -> Void) throws {
        try write(batch)
    }
}

/// Every code byte shifted down by a constant, wrapping (asymmetric `int-quantized`: unsigned
/// `q` stored as signed `q - 2^(b-1)`).
final class ShiftedCodes: CodeEncoding {
    private let shift: UInt8
    private var buffers: [[UInt8]] = [[], []]
    private var round = 0

    init(shift: UInt8) {
        self.shift = shift
    }

    var rowPacking: RowPacking? { .bytes(offset: 0 &- shift) }

    func encode(_ batch: UnsafeRawBufferPointer, _ write: (UnsafeRawBufferPointer) throws(FileError) -> Void) throws {
        guard !batch.isEmpty else { return try write(batch) }
        let slot = round % 2
        round += 1
        buffers[slot].removeAll(keepingCapacity: true)
        buffers[slot].append(contentsOf: batch.lazy.map { $0 &- self.shift })
        try buffers[slot].withUnsafeBytes { try write($0) }
    }
}

/// Codes offset to unsigned and packed into bytes, rows least significant bit first
/// (`CodePacker`): a packed `.npz` member.
final class PackedBytes: CodeEncoding {
    private var packing: DoubleBufferedPacking<UInt8>
    let rowPacking: RowPacking?

    init(bits: Int, rowLength: Int, offset: UInt8) {
        packing = DoubleBufferedPacking(bits: bits, rowLength: rowLength, offset: offset)
        rowPacking = RowPacking(bits: bits, rowLength: rowLength, wordBytes: 1, offset: offset)
    }

    func encode(_ batch: UnsafeRawBufferPointer, _ write: (UnsafeRawBufferPointer) throws(FileError) -> Void) throws {
        try packing.encode(batch, write)
    }
}

/// Codes offset to unsigned and packed into int32 words, rows least significant bit first
/// (`CodePacker`): `pack-quantized`. Words are stored little-endian, as every supported machine
/// holds them.
final class PackedWords: CodeEncoding {
    private var packing: DoubleBufferedPacking<UInt32>
    let rowPacking: RowPacking?

    init(bits: Int, rowLength: Int, offset: UInt8) {
        packing = DoubleBufferedPacking(bits: bits, rowLength: rowLength, offset: offset)
        rowPacking = RowPacking(bits: bits, rowLength: rowLength, wordBytes: 4, offset: offset)
    }

    func encode(_ batch: UnsafeRawBufferPointer, _ write: (UnsafeRawBufferPointer) throws(FileError) -> Void) throws {
        try packing.encode(batch, write)
    }
}

/// A `CodePacker` writing into two alternating buffers. Used from the concrete encoders above,
/// so that it is specialized for its word type: called through `any CodeEncoding` as a generic
/// class, the packing loop ran unspecialized, about 30 times slower.
struct DoubleBufferedPacking<Word: FixedWidthInteger & UnsignedInteger> {
    private var packer: CodePacker<Word>
    private var buffers: [[Word]] = [[], []]
    private var round = 0

    init(bits: Int, rowLength: Int, offset: UInt8) {
        packer = CodePacker(bits: bits, rowLength: rowLength, offset: offset)
    }

    mutating func encode(_ batch: UnsafeRawBufferPointer, _ write: (UnsafeRawBufferPointer) throws(FileError) -> Void) throws {
        guard !batch.isEmpty else { return try write(batch) }
        let slot = round % 2
        round += 1
        buffers[slot].removeAll(keepingCapacity: true)
        packer.pack(batch, into: &buffers[slot])
        try buffers[slot].withUnsafeBytes { try write($0) }
    }
}

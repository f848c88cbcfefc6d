/// Turns the code batches the quantizer emits (int8 symmetric or uint8 asymmetric codes, in
/// flat order) into the bytes an output layout stores, batch by batch, before they are written.
///
/// Two output buffers alternate, as the writer may still be writing the previous batch.
final class CodeEncoder {
    private enum Mode {
        /// Written as they are (npz, and symmetric codes in `int-quantized`).
        case asIs
        /// Every byte shifted down by a constant (asymmetric codes in `int-quantized`).
        case shifted(UInt8)
        /// Offset to unsigned and packed into int32 words (`pack-quantized`).
        case packed(CodePacker<UInt32>)
        /// Offset to unsigned and packed into bytes (`.npz` at 4 bits or fewer).
        case packedBytes(CodePacker<UInt8>)
    }

    private var mode: Mode
    private var bytes: [[UInt8]] = [[], []]
    private var words: [[UInt32]] = [[], []]
    private var packedBytes: [[UInt8]] = [[], []]
    private var round = 0

    /// The encoder for the codes of a tensor of `shape` quantized under `scheme` into `layout`.
    init(layout: OutputLayout, scheme: QuantScheme, shape: [Int]) {
        switch layout {
        case .npz where ArchiveLayout.packsCodes(bits: scheme.bits):
            mode = .packedBytes(CodePacker(bits: scheme.bits, rowLength: max(shape.last ?? 1, 1),
                                           offset: scheme.symmetric ? UInt8(1 << (scheme.bits - 1)) : 0))
        case .npz:
            mode = .asIs
        case .compressedTensors(.intQuantized):
            mode = scheme.symmetric ? .asIs : .shifted(UInt8(1 << (scheme.bits - 1)))
        case .compressedTensors(.packQuantized):
            mode = .packed(CodePacker(bits: scheme.bits, rowLength: shape[shape.count - 1],
                                      offset: scheme.symmetric ? UInt8(1 << (scheme.bits - 1)) : 0))
        }
    }

    /// Encodes `batch` and hands the result to `write` (an empty batch is passed on as is: the
    /// writer's signal to finish).
    func encode(_ batch: UnsafeRawBufferPointer, _ write: (UnsafeRawBufferPointer) throws(FileError) -> Void) throws {
        guard !batch.isEmpty else { return try write(batch) }
        let slot = round % 2
        round += 1
        switch mode {
        case .asIs:
            try write(batch)
        case .shifted(let shift):
            bytes[slot].removeAll(keepingCapacity: true)
            bytes[slot].append(contentsOf: batch.lazy.map { $0 &- shift })
            try bytes[slot].withUnsafeBytes { try write($0) }
        case .packed(var packer):
            words[slot].removeAll(keepingCapacity: true)
            packer.pack(batch, into: &words[slot])
            mode = .packed(packer)
            // Words are stored little-endian, as every supported machine holds them.
            try words[slot].withUnsafeBytes { try write($0) }
        case .packedBytes(var packer):
            packedBytes[slot].removeAll(keepingCapacity: true)
            packer.pack(batch, into: &packedBytes[slot])
            mode = .packedBytes(packer)
            try packedBytes[slot].withUnsafeBytes { try write($0) }
        }
    }
}

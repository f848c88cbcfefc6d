/// A quantized file read as the float tensors it stands for, so that a command taking float
/// weights (quantizing, evaluating) can start from a checkpoint stored in FP8: each tensor
/// quantized to a float format (`float-quantized` E4M3/E5M2 codes with their scales, in our
/// record or a compressed-tensors `quantization_config`) reads as float32, `codes · scale` per
/// element exactly as `QuantizedTensor.dequantized()` computes it, under its own name; its
/// scale members are not listed; every tensor stored as it is reads unchanged.
///
/// Integer codes are refused (`RequantizingError.integerCodes`): they already rounded the
/// weights to a grid of at most 256 levels, and rounding them again to another grid adds a
/// second error that a float starting point does not have. FP8 codes are the checkpoint's own
/// weights (the way DeepSeek and llm-compressor's FP8 presets ship them), so reading them is
/// not a choice made for the user; the plan still names them (`storedBlocks`).
public struct DequantizedArchiveSource: BlockQuantizedSource {
    public let archive: QuantizedArchive
    public let tensors: [TensorInfo]
    private let entries: [String: ArchiveMetadata.Entry]

    /// `archive` read as floats; throws `RequantizingError` naming the first tensor stored as
    /// integer codes.
    public init(_ archive: QuantizedArchive) throws {
        var entries: [String: ArchiveMetadata.Entry] = [:]
        var tensors: [TensorInfo] = []
        for (info, entry) in archive.logicalTensors {
            guard let entry else {
                tensors.append(info)
                continue
            }
            guard let scheme = entry.quantScheme, scheme.floatFormat != nil else {
                throw FileError(path: archive.source.path, member: entry.name,
                                RequantizingError.integerCodes(scheme: "\(entry.bits)-bit \(entry.quantScheme?.label ?? entry.scheme)"))
            }
            entries[entry.name] = entry
            tensors.append(TensorInfo(name: entry.name, dtype: .float32, shape: entry.shape))
        }
        self.archive = archive
        self.tensors = tensors
        self.entries = entries
    }

    public var path: String { archive.source.path }
    public var headerMetadata: [String: String] { archive.source.headerMetadata }

    public func storedBlocks(of name: String) -> (typeName: String, byteCount: Int)? {
        guard let entry = entries[name] else { return (archive.source as? any BlockQuantizedSource)?.storedBlocks(of: name) }
        return (entry.quantScheme?.label ?? entry.scheme, archive.storedByteCount(of: entry))
    }

    public func load(_ name: String) throws -> Tensor {
        guard let entry = entries[name] else { return try archive.source.load(name) }
        let quantized = try archive.loadQuantized(entry)
        return Tensor(shape: quantized.shape, values: quantized.dequantized())
    }

    /// The stored bytes for a tensor stored as it is; `load` for a dequantized one.
    public func read(_ name: String, into scratch: ScratchBuffer) throws -> (info: TensorInfo, bytes: UnsafeRawBufferPointer) {
        entries[name] == nil ? try archive.source.read(name, into: scratch) : try readByLoading(name, into: scratch)
    }

    /// The stored bytes in pieces for a tensor stored as it is; `load`'s bytes for a dequantized one.
    public func copy(_ name: String, pieceSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        entries[name] == nil ? try archive.source.copy(name, pieceSize: pieceSize, body) : try copyByReading(name, pieceSize: pieceSize, body)
    }

    public func isCompressed(_ name: String) -> Bool { archive.source.isCompressed(name) }
}

/// Why a quantized file cannot be read as the float weights a command starts from.
public enum RequantizingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The tensor is stored as integer codes of `scheme`.
    case integerCodes(scheme: String)
    /// An FP8 tensor has a `_scale` member beside it, but no record or `quantization_config`
    /// says how the two combine, so its stored values are not its weights.
    case unexplainedScale(scale: String)

    public var description: String {
        switch self {
        case .integerCodes(let scheme):
            "is already quantized (\(scheme)); quantizing integer codes again rounds the weights twice: start from the "
                + "float checkpoint, or from this file dequantized"
        case .unexplainedScale(let scale):
            "is FP8 with '\(scale)' beside it, but the file has no quantize record and no compressed-tensors "
                + "quantization_config in a config.json beside it, so how the scale applies is unknown"
        }
    }
}

import Foundation

extension QuantizationReport {
    /// The report of the run that wrote `archives` (the shards of one output), recomputed from
    /// them and the float tensors of `originals` they were quantized from: each quantized tensor
    /// (an entry of the archive's record or `quantization_config`, or a tensor its source stores
    /// as blocks of its own: GGUF, microscaling) dequantized and measured against the float tensor
    /// of the same name (`ErrorMetrics`: MSE, max error, SQNR), bytes before as the original
    /// stores it and after as the archive does; every other tensor as kept. Memory: one tensor's
    /// float values and its dequantized copy at a time.
    /// - Throws: `ArchiveComparisonError` naming the tensor missing from `originals` or of
    ///   another shape, and what reading either side throws.
    public init(archives: [QuantizedArchive], originals: [any TensorSource]) throws {
        var byName: [ExactName: (source: any TensorSource, info: TensorInfo)] = [:]
        for source in originals {
            for info in source.tensors where byName[ExactName(info.name)] == nil { byName[ExactName(info.name)] = (source, info) }
        }
        var lines: [TensorLine] = []
        for archive in archives {
            for (info, entry) in archive.logicalTensors {
                lines.append(try Self.line(info, entry: entry, in: archive, original: byName[ExactName(info.name)]))
            }
        }
        self.init(input: originals.first?.path ?? "", output: archives.first?.source.path ?? "", tensors: lines, elapsedSeconds: 0)
    }

    /// One tensor's line: measured when the archive stores it quantized, kept otherwise.
    private static func line(_ info: TensorInfo, entry: ArchiveMetadata.Entry?, in archive: QuantizedArchive,
                             original: (source: any TensorSource, info: TensorInfo)?) throws -> TensorLine {
        let blocks = (archive.source as? any BlockQuantizedSource)?.storedBlocks(of: info.name)
        guard entry != nil || blocks != nil else {
            return TensorLine(name: info.name, shape: info.shape, dtype: info.dtype.rawValue, scheme: "none", bits: nil, axis: nil,
                              bytesBefore: original?.info.storedByteCount ?? info.storedByteCount,
                              bytesAfter: info.storedByteCount, mse: nil, maxAbsError: nil, sqnrDB: nil)
        }
        let shape = entry?.shape ?? info.shape
        guard let original else { throw FileError(path: archive.source.path, member: info.name, ArchiveComparisonError.missingOriginal) }
        guard original.info.dtype.isFloatingPoint else {
            throw FileError(path: original.source.path, member: info.name, ArchiveComparisonError.notFloat(original.info.dtype))
        }
        guard original.info.shape == shape else {
            throw FileError(path: original.source.path, member: info.name,
                            ArchiveComparisonError.shapeMismatch(original: original.info.shape, quantized: shape))
        }
        let reconstructed = try entry.map { try archive.loadQuantized($0).dequantized() } ?? archive.source.load(info.name).floatValues()!
        let values = try original.source.load(info.name).floatValues()!
        let metrics = ErrorMetrics(original: values, reconstructed: reconstructed)
        return TensorLine(name: info.name, shape: shape, dtype: original.info.dtype.rawValue,
                          scheme: entry.map { $0.quantScheme?.label ?? $0.scheme } ?? blocks!.typeName, bits: entry?.bits,
                          axis: entry?.axis, bytesBefore: original.info.storedByteCount,
                          bytesAfter: entry.map { archive.storedByteCount(of: $0) } ?? blocks!.byteCount,
                          mse: metrics.mse, maxAbsError: metrics.maxAbsError, sqnrDB: metrics.sqnrDB)
    }
}

/// Why a quantized file cannot be measured against the float tensors given for it.
public enum ArchiveComparisonError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The quantized tensor has no float tensor of its name among the originals.
    case missingOriginal
    case shapeMismatch(original: [Int], quantized: [Int])
    /// The float tensor of its name is of an integer or boolean dtype.
    case notFloat(DType)

    public var description: String {
        switch self {
        case .missingOriginal:
            "is quantized, but the float tensors given hold no tensor of this name to measure it against"
        case .notFloat(let dtype):
            "is quantized, but the tensor of this name given to measure it against is \(dtype.rawValue), not float"
        case .shapeMismatch(let original, let quantized):
            "is \(formatShape(original)) in the float tensors given, but \(formatShape(quantized)) quantized"
        }
    }
}

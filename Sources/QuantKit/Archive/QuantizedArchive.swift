/// A file read back as an archive written by `quantize`: its metadata and, for each
/// quantized tensor, the codes, scales and zero points checked against that metadata, in
/// any layout of `layouts` (`QuantizedLayouts.builtIn`: `NPZLayout` in an `.npz`, a
/// compressed-tensors layout in a safetensors file, whose header's `__metadata__` holds the
/// record under `quantize`).
///
/// A safetensors file without that record whose folder's `config.json` has a compressed-tensors
/// `quantization_config` (a checkpoint another tool wrote) is read through that config
/// (`CompressedTensorsCheckpoint`). Any other file without a record is a plain tensor file:
/// `metadata` is nil and every tensor is "kept".
public struct QuantizedArchive {
    public let source: any TensorSource
    public let metadata: ArchiveMetadata?
    /// The `quantization_config` the metadata was derived from, for a checkpoint another tool wrote.
    public let foreignConfig: CompressedTensorsCheckpoint?
    /// The layout the metadata names (nil without metadata).
    public let layout: (any QuantizedLayout)?
    /// The source's tensors by name.
    private let tensorInfo: [ExactName: TensorInfo]

    /// Reads the record of `source`, refusing one that names none of `layouts`.
    public init(source: any TensorSource, layouts: QuantizedLayouts = .builtIn) throws {
        self.source = source
        tensorInfo = Dictionary(source.tensors.map { (ExactName($0.name), $0) }, uniquingKeysWith: { first, _ in first })
        let recordMember = tensorInfo[ExactName(NPZLayout.metadataName)]
        foreignConfig = source.headerMetadata[ArchiveMetadata.safetensorsKey] == nil && recordMember == nil
            && source is SafetensorsSource ? try CompressedTensorsCheckpoint.beside(source.path) : nil
        metadata = try Self.readMetadata(source, recordMember, foreignConfig: foreignConfig, layouts: layouts)
        layout = metadata?.layout(in: layouts)
    }

    /// The record in a safetensors header or an .npz member, or the one a foreign checkpoint's
    /// `quantization_config` implies; nil for a plain tensor file.
    private static func readMetadata(_ source: any TensorSource, _ member: TensorInfo?, foreignConfig: CompressedTensorsCheckpoint?,
                                     layouts: QuantizedLayouts) throws -> ArchiveMetadata? {
        if let record = source.headerMetadata[ArchiveMetadata.safetensorsKey] {
            do {
                return try ArchiveMetadata.decode(Array(record.utf8), layouts: layouts)
            } catch {
                throw FileError(path: source.path, member: "__metadata__.\(ArchiveMetadata.safetensorsKey)", error)
            }
        }
        if let foreignConfig {
            do {
                return try foreignConfig.metadata(for: source)
            } catch {
                throw FileError(path: source.path, member: "quantization_config", error)
            }
        }
        guard let info = member else { return nil }
        guard info.dtype == .uint8, info.shape.count == 1 else {
            throw FileError(path: source.path, member: info.name,
                            ArchiveError.invalidMetadata("expected a 1-D uint8 array, found \(info.dtype.rawValue) \(formatShape(info.shape))"))
        }
        do {
            return try ArchiveMetadata.decode(try source.load(info.name).bytes, layouts: layouts)
        } catch let error as ArchiveError {
            throw FileError(path: source.path, member: info.name, error)
        }
    }

    /// The members `entry`'s tensor occupies, codes first (empty for an entry without a valid
    /// scheme or dtype, or one its layout could not have written).
    package func members(of entry: ArchiveMetadata.Entry) -> [TensorInfo] {
        guard let scheme = entry.quantScheme, let layout else { return [] }
        return (try? layout.recordedMembers(of: entry, scheme: scheme)) ?? []
    }

    /// The float16 outlier members of `entry` (`--keep-outliers`), empty without outliers.
    func outlierMembers(of entry: ArchiveMetadata.Entry) -> [TensorInfo] {
        guard let count = entry.outlierColumns, entry.shape.count == 2 else { return [] }
        return [TensorInfo(name: NPZLayout.outlierColumnsName(for: entry.name), dtype: .int32, shape: [count]),
                TensorInfo(name: NPZLayout.outliersName(for: entry.name), dtype: .float16, shape: [entry.shape[0], count])]
    }

    /// Names of the members that belong to the quantized form (codes under another name,
    /// scales, zero points, shapes, the metadata) rather than standing for a tensor of their own.
    public var auxiliaryMembers: Set<ExactName> {
        guard let metadata, let layout else { return [] }
        var names: Set<ExactName> = layout.fileFormat.recordMember.map { [ExactName($0)] } ?? []
        for entry in metadata.tensors {
            names.formUnion((members(of: entry) + outlierMembers(of: entry)).map { ExactName($0.name) }
                .filter { $0 != ExactName(entry.name) })
        }
        return names
    }

    /// The file's tensors as the user sees them, in file order: each quantized tensor once,
    /// under its own name, with its entry (at the position of its codes), and every other
    /// tensor that is not part of a quantized form, with none.
    public var logicalTensors: [(info: TensorInfo, entry: ArchiveMetadata.Entry?)] {
        let entries = metadata?.tensors ?? []
        var byCodes: [ExactName: ArchiveMetadata.Entry] = [:]
        for entry in entries {
            byCodes[ExactName(members(of: entry).first?.name ?? entry.name)] = entry
        }
        let auxiliary = auxiliaryMembers
        return source.tensors.compactMap { info in
            if let entry = byCodes[ExactName(info.name)] { return (TensorInfo(name: entry.name, dtype: info.dtype, shape: entry.shape), entry) }
            return auxiliary.contains(ExactName(info.name)) ? nil : (info, nil)
        }
    }

    /// The bytes `entry`'s members take in the file.
    public func storedByteCount(of entry: ArchiveMetadata.Entry) -> Int {
        (members(of: entry) + outlierMembers(of: entry)).reduce(0) { $0 + (tensorInfo[ExactName($1.name)]?.storedByteCount ?? 0) }
    }

    /// Loads the quantized tensor `entry` describes, refusing members that are missing or whose
    /// dtype or shape disagree with the metadata, codes outside the scheme's range, zero points
    /// outside it, and scales that are not finite and positive.
    public func loadQuantized(_ entry: ArchiveMetadata.Entry) throws -> QuantizedTensor {
        do {
            return try validatedTensor(entry)
        } catch let error as ArchiveError {
            throw FileError(path: source.path, member: entry.name, error)
        }
    }

    /// The member `name` of quantized tensor `tensor`, refused when missing or of another dtype
    /// or shape.
    func member(_ name: String, of tensor: String, dtype: DType, shape: [Int]) throws -> Tensor {
        guard let info = tensorInfo[ExactName(name)] else {
            throw ArchiveError.missingMember(tensor: tensor, member: name)
        }
        guard info.dtype == dtype else { throw ArchiveError.wrongDType(member: name, expected: dtype, actual: info.dtype) }
        guard info.shape == shape else { throw ArchiveError.wrongShape(member: name, expected: shape, actual: info.shape) }
        return try source.load(name)
    }
}

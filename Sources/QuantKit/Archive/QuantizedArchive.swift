/// A file read back as an archive written by `quantize`: its metadata and, for each
/// quantized tensor, the codes, scales and zero points checked against that metadata, in
/// either layout (`ArchiveLayout` in an `.npz`, `CompressedTensorsFormat` in a safetensors
/// file, whose header's `__metadata__` holds the record under `quantize`).
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
    /// The source's tensors by name.
    private let tensorInfo: [ExactName: TensorInfo]

    public init(source: any TensorSource) throws {
        self.source = source
        tensorInfo = Dictionary(source.tensors.map { (ExactName($0.name), $0) }, uniquingKeysWith: { first, _ in first })
        foreignConfig = source.headerMetadata[ArchiveMetadata.safetensorsKey] == nil && tensorInfo[ExactName(ArchiveLayout.metadataName)] == nil
            && source is SafetensorsSource ? try CompressedTensorsCheckpoint.beside(source.path) : nil
        metadata = try Self.readMetadata(source, tensorInfo[ExactName(ArchiveLayout.metadataName)], foreignConfig: foreignConfig)
    }

    /// The record in a safetensors header or an .npz member, or the one a foreign checkpoint's
    /// `quantization_config` implies; nil for a plain tensor file.
    private static func readMetadata(_ source: any TensorSource, _ member: TensorInfo?,
                                     foreignConfig: CompressedTensorsCheckpoint?) throws -> ArchiveMetadata? {
        if let record = source.headerMetadata[ArchiveMetadata.safetensorsKey] {
            do {
                return try ArchiveMetadata.decode(Array(record.utf8))
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
            return try ArchiveMetadata.decode(try source.load(info.name).bytes)
        } catch let error as ArchiveError {
            throw FileError(path: source.path, member: info.name, error)
        }
    }

    /// The members `entry`'s tensor occupies, codes first (empty for an entry without a valid
    /// scheme or dtype).
    package func members(of entry: ArchiveMetadata.Entry) -> [TensorInfo] {
        guard let scheme = entry.quantScheme, let dtype = DType(rawValue: entry.dtype), let metadata else { return [] }
        if case .compressedTensors = metadata.layout,
           CompressedTensorsFormat.unsupported(TensorInfo(name: entry.name, dtype: dtype, shape: entry.shape), scheme: scheme) != nil {
            return []
        }
        var members = metadata.layout.members(of: TensorInfo(name: entry.name, dtype: dtype, shape: entry.shape), scheme: scheme)
        if case .npz = metadata.layout, entry.packing == nil {
            // Written unpacked (by a version before packing, or at more than 4 bits).
            members[0] = TensorInfo(name: entry.name, dtype: scheme.codeDType, shape: entry.shape)
        }
        return members
    }

    /// The float16 outlier members of `entry` (`--keep-outliers`), empty without outliers.
    func outlierMembers(of entry: ArchiveMetadata.Entry) -> [TensorInfo] {
        guard let count = entry.outlierColumns, entry.shape.count == 2 else { return [] }
        return [TensorInfo(name: ArchiveLayout.outlierColumnsName(for: entry.name), dtype: .int32, shape: [count]),
                TensorInfo(name: ArchiveLayout.outliersName(for: entry.name), dtype: .float16, shape: [entry.shape[0], count])]
    }

    /// Names of the members that belong to the quantized form (codes under another name,
    /// scales, zero points, shapes, the metadata) rather than standing for a tensor of their own.
    public var auxiliaryMembers: Set<ExactName> {
        guard let metadata else { return [] }
        var names: Set<ExactName> = metadata.layout.metadataMember.map { [ExactName($0)] } ?? []
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

    private func validatedTensor(_ entry: ArchiveMetadata.Entry) throws -> QuantizedTensor {
        guard let scheme = entry.quantScheme, scheme.symmetric == entry.symmetric,
              entry.codesDtype == (entry.packing == nil ? scheme.codeDType : .uint8).rawValue,
              entry.packing == nil || (entry.packing == ArchiveLayout.packingName && ArchiveLayout.packsCodes(bits: scheme.bits)),
              DType(rawValue: entry.dtype) != nil
        else {
            throw ArchiveError.invalidMetadata("entry '\(entry.name)' has an unknown scheme, bits, dtype or codes dtype")
        }
        // Only floating tensors are quantized; the compressed-tensors layout stores the scales in
        // the original dtype, so any other would leave no float scales to read.
        guard DType(rawValue: entry.dtype)!.isFloatingPoint else {
            throw ArchiveError.invalidMetadata("entry '\(entry.name)' has original dtype \(entry.dtype), which is not floating point")
        }
        if let axis = entry.axis, !(0 ..< entry.shape.count).contains(axis) {
            throw ArchiveError.invalidMetadata("entry '\(entry.name)' has axis \(axis) outside its rank \(entry.shape.count)")
        }
        if entry.axis != nil, scheme.granularity == .perTensor || scheme.groupSize != nil {
            throw ArchiveError.invalidMetadata("entry '\(entry.name)' is per tensor or per group but has an axis")
        }
        if let size = scheme.groupSize, entry.shape.last.map({ $0 % size != 0 }) ?? false {
            throw ArchiveError.invalidMetadata("entry '\(entry.name)' has group size \(size), which does not divide its last dimension")
        }
        // Without an axis the scheme would default to axis 0 while the tensor claims none: the
        // scales could not be matched to channels.
        if case .perChannel = scheme.granularity, entry.axis == nil, !entry.shape.isEmpty {
            throw ArchiveError.invalidMetadata("entry '\(entry.name)' is per channel but has no axis")
        }
        let members = self.members(of: entry)
        guard !members.isEmpty else {
            throw ArchiveError.invalidMetadata("entry '\(entry.name)' cannot be stored in the compressed-tensors layout")
        }
        let loaded = try members.map { try member($0.name, of: entry.name, dtype: $0.dtype, shape: $0.shape) }
        let scaleShape = scheme.granularity.scaleShape(of: entry.shape, axis: entry.axis)
        let codes: [UInt8]
        guard let scales = loaded[1].floatValues() else {
            throw ArchiveError.wrongDType(member: members[1].name, expected: .float32, actual: loaded[1].dtype)
        }
        var zeroPoints: [Int32] = []
        let zeroPointName = members[members.count - 1].name
        switch metadata!.layout {
        case .npz:
            if entry.packing != nil {
                // Rows of the last axis (one row for a 0-d tensor), each packed into whole bytes.
                let rowLength = entry.shape.last ?? 1
                let rows = entry.shape.dropLast().reduce(1, *)
                let unsigned = rowLength == 0 || rows == 0 ? []
                    : unpackCodes(loaded[0].bytes, bits: scheme.bits, rowLength: rowLength, rows: rows)
                codes = scheme.symmetric ? unsigned.map { $0 &- UInt8(1 << (scheme.bits - 1)) } : unsigned
            } else {
                codes = loaded[0].bytes
            }
            if !scheme.symmetric {
                zeroPoints = loaded[2].int32Values()
            }
        case .compressedTensors(let format):
            let shift = UInt8(1 << (scheme.bits - 1))
            switch format {
            case .intQuantized:
                codes = scheme.symmetric ? loaded[0].bytes : loaded[0].bytes.map { $0 &+ shift }
            case .packQuantized:
                guard loaded[2].int64Values() == entry.shape.map(Int64.init) else {
                    throw ArchiveError.wrongShape(member: members[2].name, expected: entry.shape,
                                                  actual: loaded[2].int64Values().map { Int($0) })
                }
                let unsigned = unpackCodes(loaded[0].int32Values().map { UInt32(bitPattern: $0) }, bits: scheme.bits,
                                           rowLength: entry.shape[1], rows: entry.shape[0])
                codes = scheme.symmetric ? unsigned.map { $0 &- shift } : unsigned
            }
            if !scheme.symmetric {
                let stored = loaded[loaded.count - 1]
                if stored.dtype == .int8 {
                    zeroPoints = stored.bytes.map { Int32(Int8(bitPattern: $0)) + Int32(shift) }
                } else {
                    // `[words, columns]`: each column packs one column of `[out, columns]` zero points.
                    let columns = stored.shape[1]
                    let words = stored.int32Values().map { UInt32(bitPattern: $0) }
                    zeroPoints = [Int32](repeating: 0, count: entry.shape[0] * columns)
                    for column in 0 ..< columns {
                        let packed = stride(from: column, to: words.count, by: columns).map { words[$0] }
                        for (row, value) in unpackCodes(packed, bits: scheme.bits, rowLength: entry.shape[0], rows: 1).enumerated() {
                            zeroPoints[row * columns + column] = Int32(value)
                        }
                    }
                }
            }
        }
        if let bad = scales.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
            throw ArchiveError.invalidScale(tensor: entry.name, index: bad, value: scales[bad])
        }
        if let bad = zeroPoints.firstIndex(where: { !(scheme.qmin ... scheme.qmax).contains(Int($0)) }) {
            throw ArchiveError.codeOutOfRange(tensor: zeroPointName, index: multiIndex(ofFlat: bad, in: scaleShape),
                                              code: Int(zeroPoints[bad]), range: scheme.qmin ... scheme.qmax)
        }
        var quantized = QuantizedTensor(scheme: scheme, shape: entry.shape, codes: codes, scales: scales,
                                        zeroPoints: zeroPoints, axis: entry.axis)
        if entry.outlierColumns != nil {
            let parts = outlierMembers(of: entry)
            guard parts.count == 2 else { throw ArchiveError.invalidMetadata("entry '\(entry.name)' has outlier columns but is not 2-D") }
            let columns = try member(parts[0].name, of: entry.name, dtype: .int32, shape: parts[0].shape).int32Values().map(Int.init)
            guard zip(columns, columns.dropFirst()).allSatisfy({ $0 < $1 }), columns.allSatisfy({ (0 ..< entry.shape[1]).contains($0) }) else {
                throw ArchiveError.invalidMetadata("entry '\(entry.name)': outlier columns must be increasing and inside 0..<\(entry.shape[1])")
            }
            let values = try member(parts[1].name, of: entry.name, dtype: .float16, shape: parts[1].shape).floatValues()!
            guard values.allSatisfy(\.isFinite) else {
                throw ArchiveError.invalidMetadata("entry '\(entry.name)': an outlier value is not finite")
            }
            quantized.outliers = OutlierColumns(columns: columns, values: values)
        }
        if let bad = (0 ..< codes.count).first(where: { !(scheme.qmin ... scheme.qmax).contains(quantized.code(at: $0)) }) {
            throw ArchiveError.codeOutOfRange(tensor: entry.name, index: multiIndex(ofFlat: bad, in: entry.shape),
                                              code: quantized.code(at: bad), range: scheme.qmin ... scheme.qmax)
        }
        return quantized
    }

    private func member(_ name: String, of tensor: String, dtype: DType, shape: [Int]) throws -> Tensor {
        guard let info = tensorInfo[ExactName(name)] else {
            throw ArchiveError.missingMember(tensor: tensor, member: name)
        }
        guard info.dtype == dtype else { throw ArchiveError.wrongDType(member: name, expected: dtype, actual: info.dtype) }
        guard info.shape == shape else { throw ArchiveError.wrongShape(member: name, expected: shape, actual: info.shape) }
        return try source.load(name)
    }
}

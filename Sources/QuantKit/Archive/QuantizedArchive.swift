/// A file read back as an archive written by `quantize`: its metadata and, for each
/// quantized tensor, the codes, scales and zero points checked against that metadata.
///
/// A file without a `__quantization__` member is a plain tensor file: `metadata` is nil and
/// every tensor is "kept".
public struct QuantizedArchive {
    public let source: any TensorSource
    public let metadata: ArchiveMetadata?
    /// The source's tensors by name.
    private let tensorInfo: [String: TensorInfo]

    public init(source: any TensorSource) throws {
        self.source = source
        tensorInfo = Dictionary(source.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        guard let info = tensorInfo[ArchiveLayout.metadataName] else {
            metadata = nil
            return
        }
        guard info.dtype == .uint8, info.shape.count == 1 else {
            throw FileError(path: source.path, member: info.name,
                            ArchiveError.invalidMetadata("expected a 1-D uint8 array, found \(info.dtype.rawValue) \(formatShape(info.shape))"))
        }
        do {
            metadata = try ArchiveMetadata.decode(try source.load(info.name).bytes)
        } catch let error as ArchiveError {
            throw FileError(path: source.path, member: info.name, error)
        }
    }

    /// Names of the members that belong to the quantized form (scales, zero points, metadata)
    /// rather than standing for a tensor of their own.
    public var auxiliaryMembers: Set<String> {
        guard let metadata else { return [] }
        var names: Set<String> = [ArchiveLayout.metadataName]
        for entry in metadata.tensors {
            names.insert(ArchiveLayout.scaleName(for: entry.name))
            if !entry.symmetric { names.insert(ArchiveLayout.zeroPointName(for: entry.name)) }
        }
        return names
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
              entry.codesDtype == scheme.codeDType.rawValue, DType(rawValue: entry.dtype) != nil
        else {
            throw ArchiveError.invalidMetadata("entry '\(entry.name)' has an unknown scheme, bits, dtype or codes dtype")
        }
        if let axis = entry.axis, !(0 ..< entry.shape.count).contains(axis) {
            throw ArchiveError.invalidMetadata("entry '\(entry.name)' has axis \(axis) outside its rank \(entry.shape.count)")
        }
        if case .perTensor = scheme.granularity, entry.axis != nil {
            throw ArchiveError.invalidMetadata("entry '\(entry.name)' is per tensor but has an axis")
        }
        let scaleShape = entry.shape.indices.map { $0 == entry.axis ? entry.shape[$0] : 1 }
        let codes = try member(entry.name, of: entry.name, dtype: scheme.codeDType, shape: entry.shape)
        let scales = try member(ArchiveLayout.scaleName(for: entry.name), of: entry.name, dtype: .float32, shape: scaleShape)
            .floatValues()!
        if let bad = scales.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
            throw ArchiveError.invalidScale(tensor: entry.name, index: bad, value: scales[bad])
        }
        var zeroPoints: [Int32] = []
        if !scheme.symmetric {
            let bytes = try member(ArchiveLayout.zeroPointName(for: entry.name), of: entry.name, dtype: .int32, shape: scaleShape).bytes
            zeroPoints = stride(from: 0, to: bytes.count, by: 4).map { offset in
                Int32(littleEndian: bytes[offset ..< offset + 4].withUnsafeBytes { $0.loadUnaligned(as: Int32.self) })
            }
            if let bad = zeroPoints.firstIndex(where: { !(scheme.qmin ... scheme.qmax).contains(Int($0)) }) {
                throw ArchiveError.codeOutOfRange(tensor: ArchiveLayout.zeroPointName(for: entry.name),
                                                  index: multiIndex(ofFlat: bad, in: scaleShape),
                                                  code: Int(zeroPoints[bad]), range: scheme.qmin ... scheme.qmax)
            }
        }
        let quantized = QuantizedTensor(scheme: scheme, shape: entry.shape, codes: codes.bytes, scales: scales,
                                        zeroPoints: zeroPoints, axis: entry.axis)
        if let bad = (0 ..< codes.bytes.count).first(where: { !(scheme.qmin ... scheme.qmax).contains(quantized.code(at: $0)) }) {
            throw ArchiveError.codeOutOfRange(tensor: entry.name, index: multiIndex(ofFlat: bad, in: entry.shape),
                                              code: quantized.code(at: bad), range: scheme.qmin ... scheme.qmax)
        }
        return quantized
    }

    private func member(_ name: String, of tensor: String, dtype: DType, shape: [Int]) throws -> Tensor {
        guard let info = tensorInfo[name] else {
            throw ArchiveError.missingMember(tensor: tensor, member: name)
        }
        guard info.dtype == dtype else { throw ArchiveError.wrongDType(member: name, expected: dtype, actual: info.dtype) }
        guard info.shape == shape else { throw ArchiveError.wrongShape(member: name, expected: shape, actual: info.shape) }
        return try source.load(name)
    }
}

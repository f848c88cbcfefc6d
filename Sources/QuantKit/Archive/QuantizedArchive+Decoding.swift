/// Reading one quantized tensor back from its members: the entry's metadata checked, the codes
/// and zero points decoded from the layout they were written in (`ArchiveLayout`, or
/// `CompressedTensorsFormat`), every code, zero point and scale checked against the scheme.
extension QuantizedArchive {
    /// The codes (in this tool's domain: signed bytes when symmetric, unsigned when asymmetric)
    /// and zero points (unsigned, empty when symmetric) decoded from a tensor's members.
    struct DecodedMembers {
        var codes: [UInt8]
        var zeroPoints: [Int32] = []
    }

    func validatedTensor(_ entry: ArchiveMetadata.Entry) throws -> QuantizedTensor {
        let scheme = try validatedScheme(entry)
        let members = self.members(of: entry)
        guard !members.isEmpty else {
            throw ArchiveError.invalidMetadata("entry '\(entry.name)' cannot be stored in the compressed-tensors layout")
        }
        let loaded = try members.map { try member($0.name, of: entry.name, dtype: $0.dtype, shape: $0.shape) }
        guard let scales = loaded[1].floatValues() else {
            throw ArchiveError.wrongDType(member: members[1].name, expected: .float32, actual: loaded[1].dtype)
        }
        let decoded: DecodedMembers
        switch metadata!.layout {
        case .npz: decoded = decodeNPZ(entry, scheme: scheme, loaded: loaded)
        case .compressedTensors(let format):
            decoded = try decodeCompressedTensors(entry, format: format, scheme: scheme, members: members, loaded: loaded)
        }
        if let bad = scales.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
            throw ArchiveError.invalidScale(tensor: entry.name, index: bad, value: scales[bad])
        }
        if let bad = decoded.zeroPoints.firstIndex(where: { !(scheme.qmin ... scheme.qmax).contains(Int($0)) }) {
            let scaleShape = scheme.granularity.scaleShape(of: entry.shape, axis: entry.axis)
            throw ArchiveError.codeOutOfRange(tensor: members[members.count - 1].name, index: multiIndex(ofFlat: bad, in: scaleShape),
                                              code: Int(decoded.zeroPoints[bad]), range: scheme.qmin ... scheme.qmax)
        }
        var quantized = QuantizedTensor(scheme: scheme, shape: entry.shape, codes: decoded.codes, scales: scales,
                                        zeroPoints: decoded.zeroPoints, axis: entry.axis)
        quantized.outliers = try outliers(of: entry)
        if let bad = (0 ..< decoded.codes.count).first(where: { !(scheme.qmin ... scheme.qmax).contains(quantized.code(at: $0)) }) {
            throw ArchiveError.codeOutOfRange(tensor: entry.name, index: multiIndex(ofFlat: bad, in: entry.shape),
                                              code: quantized.code(at: bad), range: scheme.qmin ... scheme.qmax)
        }
        return quantized
    }

    /// The scheme `entry` describes, refused when its fields disagree with each other or with
    /// the tensor's shape.
    func validatedScheme(_ entry: ArchiveMetadata.Entry) throws(ArchiveError) -> QuantScheme {
        guard let scheme = entry.quantScheme, scheme.symmetric == entry.symmetric,
              entry.codesDtype == (entry.packing == nil ? scheme.codeDType : .uint8).rawValue,
              entry.packing == nil || (entry.packing == ArchiveLayout.packingName && ArchiveLayout.packsCodes(bits: scheme.bits)),
              let dtype = DType(rawValue: entry.dtype)
        else {
            throw .invalidMetadata("entry '\(entry.name)' has an unknown scheme, bits, dtype or codes dtype")
        }
        // Only floating tensors are quantized; the compressed-tensors layout stores the scales in
        // the original dtype, so any other would leave no float scales to read.
        guard dtype.isFloatingPoint else {
            throw .invalidMetadata("entry '\(entry.name)' has original dtype \(entry.dtype), which is not floating point")
        }
        if let axis = entry.axis, !(0 ..< entry.shape.count).contains(axis) {
            throw .invalidMetadata("entry '\(entry.name)' has axis \(axis) outside its rank \(entry.shape.count)")
        }
        if entry.axis != nil, scheme.granularity == .perTensor || scheme.groupSize != nil {
            throw .invalidMetadata("entry '\(entry.name)' is per tensor or per group but has an axis")
        }
        if let size = scheme.groupSize, entry.shape.last.map({ $0 % size != 0 }) ?? false {
            throw .invalidMetadata("entry '\(entry.name)' has group size \(size), which does not divide its last dimension")
        }
        // Without an axis the scheme would default to axis 0 while the tensor claims none: the
        // scales could not be matched to channels.
        if case .perChannel = scheme.granularity, entry.axis == nil, !entry.shape.isEmpty {
            throw .invalidMetadata("entry '\(entry.name)' is per channel but has no axis")
        }
        return scheme
    }

    /// `.npz`: codes as stored, or packed rows of the last axis (one row for a 0-d tensor) each
    /// in whole bytes; int32 zero points as stored.
    func decodeNPZ(_ entry: ArchiveMetadata.Entry, scheme: QuantScheme, loaded: [Tensor]) -> DecodedMembers {
        var decoded = DecodedMembers(codes: loaded[0].bytes)
        if entry.packing != nil {
            let rowLength = entry.shape.last ?? 1
            let rows = entry.shape.dropLast().reduce(1, *)
            let unsigned = rowLength == 0 || rows == 0 ? [] : unpackCodes(loaded[0].bytes, bits: scheme.bits, rowLength: rowLength, rows: rows)
            decoded.codes = scheme.symmetric ? unsigned.map { $0 &- UInt8(1 << (scheme.bits - 1)) } : unsigned
        }
        if !scheme.symmetric { decoded.zeroPoints = loaded[2].int32Values() }
        return decoded
    }

    /// compressed-tensors: codes and zero points from the signed domain (int8, or packed int32
    /// words), shifted into ours; `weight_shape` checked against the entry.
    func decodeCompressedTensors(_ entry: ArchiveMetadata.Entry, format: CompressedTensorsFormat, scheme: QuantScheme,
                                 members: [TensorInfo], loaded: [Tensor]) throws -> DecodedMembers {
        let shift = UInt8(1 << (scheme.bits - 1))
        var decoded: DecodedMembers
        switch format {
        case .intQuantized:
            decoded = DecodedMembers(codes: scheme.symmetric ? loaded[0].bytes : loaded[0].bytes.map { $0 &+ shift })
        case .packQuantized:
            guard loaded[2].int64Values() == entry.shape.map(Int64.init) else {
                throw ArchiveError.wrongShape(member: members[2].name, expected: entry.shape,
                                              actual: loaded[2].int64Values().map { Int($0) })
            }
            let unsigned = unpackCodes(loaded[0].int32Values().map { UInt32(bitPattern: $0) }, bits: scheme.bits,
                                       rowLength: entry.shape[1], rows: entry.shape[0])
            decoded = DecodedMembers(codes: scheme.symmetric ? unsigned.map { $0 &- shift } : unsigned)
        }
        if !scheme.symmetric {
            let stored = loaded[loaded.count - 1]
            decoded.zeroPoints = stored.dtype == .int8
                ? stored.bytes.map { Int32(Int8(bitPattern: $0)) + Int32(shift) }
                : unpackZeroPointColumns(stored, bits: scheme.bits, outFeatures: entry.shape[0])
        }
        return decoded
    }

    /// Packed zero points `[words, columns]`, each column packing one column of the
    /// `[outFeatures, columns]` unsigned zero points down the output axis.
    func unpackZeroPointColumns(_ stored: Tensor, bits: Int, outFeatures: Int) -> [Int32] {
        let columns = stored.shape[1]
        let words = stored.int32Values().map { UInt32(bitPattern: $0) }
        var zeroPoints = [Int32](repeating: 0, count: outFeatures * columns)
        for column in 0 ..< columns {
            let packed = stride(from: column, to: words.count, by: columns).map { words[$0] }
            for (row, value) in unpackCodes(packed, bits: bits, rowLength: outFeatures, rows: 1).enumerated() {
                zeroPoints[row * columns + column] = Int32(value)
            }
        }
        return zeroPoints
    }

    /// The float16 outlier columns of `entry` (`--keep-outliers`), checked: increasing columns
    /// inside the input axis, finite values; nil for an entry without them.
    func outliers(of entry: ArchiveMetadata.Entry) throws -> OutlierColumns? {
        guard entry.outlierColumns != nil else { return nil }
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
        return OutlierColumns(columns: columns, values: values)
    }
}

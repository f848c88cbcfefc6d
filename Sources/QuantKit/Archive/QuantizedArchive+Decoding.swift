/// Reading one quantized tensor back from its members: the entry's metadata checked, the codes,
/// scales and zero points decoded by the layout they were written in (`QuantizedLayout.decode`),
/// every code, zero point and scale checked against the scheme (a float code must be finite).
extension QuantizedArchive {
    func validatedTensor(_ entry: ArchiveMetadata.Entry) throws -> QuantizedTensor {
        let scheme = try validatedScheme(entry)
        let layout = self.layout!
        let members = try layout.recordedMembers(of: entry, scheme: scheme)
        let loaded = try members.map { try member($0.name, of: entry.name, dtype: $0.dtype, shape: $0.shape) }
        let decoded = try layout.decode(loaded, members: members, entry: entry, scheme: scheme)
        try check(decoded, of: entry, scheme: scheme, zeroPointMember: members[members.count - 1].name)
        var quantized = QuantizedTensor(scheme: scheme, shape: entry.shape, codes: decoded.codes, scales: decoded.scales,
                                        zeroPoints: decoded.zeroPoints, axis: entry.axis)
        quantized.outliers = try outliers(of: entry)
        if let format = scheme.floatFormat {
            if let bad = decoded.codes.firstIndex(where: { !format.decode($0).isFinite }) {
                throw ArchiveError.nonFiniteCode(tensor: entry.name, index: multiIndex(ofFlat: bad, in: entry.shape),
                                                 bits: decoded.codes[bad], format: format)
            }
        } else if let bad = (0 ..< decoded.codes.count).first(where: { !(scheme.qmin ... scheme.qmax).contains(quantized.code(at: $0)) }) {
            throw ArchiveError.codeOutOfRange(tensor: entry.name, index: multiIndex(ofFlat: bad, in: entry.shape),
                                              code: quantized.code(at: bad), range: scheme.qmin ... scheme.qmax)
        }
        return quantized
    }

    /// Refuses a decoding with a code per element and a scale (and zero point) per block
    /// missing, scales that are not finite and positive (finite and nonzero for the full
    /// symmetric range, whose scale is negative when its extreme is positive), and zero points
    /// outside the scheme's range (named as `zeroPointMember`'s).
    func check(_ decoded: DecodedTensor, of entry: ArchiveMetadata.Entry, scheme: QuantScheme,
               zeroPointMember: String) throws(ArchiveError) {
        let scaleCount = scheme.heldScaleShape(of: entry.shape, axis: entry.axis).reduce(1, *)
        guard decoded.codes.count == entry.shape.reduce(1, *), decoded.scales.count == scaleCount,
              decoded.zeroPoints.count == (scheme.symmetric ? 0 : scaleCount) else {
            throw .invalidMetadata("entry '\(entry.name)': its members decode to \(decoded.codes.count) codes and "
                                   + "\(decoded.scales.count) scales, expected \(entry.shape.reduce(1, *)) and \(scaleCount)")
        }
        if scheme.symmetricRange == .full {
            if let bad = decoded.scales.firstIndex(where: { !($0.isFinite && $0 != 0) }) {
                throw .invalidFullRangeScale(tensor: entry.name, index: bad, value: decoded.scales[bad])
            }
        } else if let bad = decoded.scales.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
            throw .invalidScale(tensor: entry.name, index: bad, value: decoded.scales[bad])
        }
        if let bad = decoded.zeroPoints.firstIndex(where: { !(scheme.qmin ... scheme.qmax).contains(Int($0)) }) {
            let scaleShape = scheme.heldScaleShape(of: entry.shape, axis: entry.axis)
            throw .codeOutOfRange(tensor: zeroPointMember, index: multiIndex(ofFlat: bad, in: scaleShape),
                                  code: Int(decoded.zeroPoints[bad]), range: scheme.qmin ... scheme.qmax)
        }
    }

    /// The scheme `entry` describes, refused when its fields disagree with each other or with
    /// the tensor's shape.
    func validatedScheme(_ entry: ArchiveMetadata.Entry) throws(ArchiveError) -> QuantScheme {
        guard let scheme = entry.quantScheme, scheme.symmetric == entry.symmetric,
              entry.codesDtype == (entry.packing == nil ? scheme.codeDType : .uint8).rawValue,
              layout?.acceptsPacking(entry.packing, bits: scheme.bits) ?? false,
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
        if let size = scheme.groupSize, scheme.blockRows == nil, entry.shape.last.map({ $0 % size != 0 }) ?? false {
            throw .invalidMetadata("entry '\(entry.name)' has group size \(size), which does not divide its last dimension")
        }
        // Without an axis the scheme would default to axis 0 while the tensor claims none: the
        // scales could not be matched to channels.
        if case .perChannel = scheme.granularity, entry.axis == nil, !entry.shape.isEmpty {
            throw .invalidMetadata("entry '\(entry.name)' is per channel but has no axis")
        }
        return scheme
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

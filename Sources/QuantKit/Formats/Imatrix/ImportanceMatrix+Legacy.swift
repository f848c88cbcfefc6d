extension ImportanceMatrix {
    /// The legacy `.dat` importance matrix in `bytes` (layout in `ImportanceMatrix`), as
    /// common_imatrix_load_legacy and quantize.cpp's `load_imatrix` read it.
    ///
    /// - Throws: `ImportanceMatrixError` for no entries, a truncated entry or trailer, a
    ///   non-positive value count or a negative name length, and non-finite weights.
    static func loadLegacy(_ bytes: [UInt8]) throws(ImportanceMatrixError) -> ImportanceMatrix {
        var reader = ByteReader(bytes)
        let count = try readInt32(&reader, entry: nil, index: nil, field: "entry count")
        guard count >= 1 else { throw .noEntries }
        var weights: [String: [Float]] = [:]
        for index in 0 ..< Int(count) {
            let (name, values) = try readLegacyEntry(&reader, index: index)
            weights[name] = values
        }
        var datasets: [String] = [], chunkCount: Int32 = 0
        if reader.remaining > 0 {
            chunkCount = try readInt32(&reader, entry: nil, index: nil, field: "trailing chunk count")
            if let length = reader.readInteger(as: Int32.self), length > 0 {
                if let dataset = reader.readBytes(Int(length)) {
                    datasets.append(String(decoding: dataset.prefix { $0 != 0 }, as: UTF8.self))
                }
            }
        }
        return ImportanceMatrix(format: .legacy, weights: weights, datasets: datasets, chunkCount: chunkCount)
    }

    /// One entry: its name (up to a zero byte, as C reads it) and its weights, the stored
    /// values divided by `ncall` when that is positive.
    private static func readLegacyEntry(_ reader: inout ByteReader, index: Int) throws(ImportanceMatrixError)
        -> (String, [Float]) {
        let length = try readInt32(&reader, entry: nil, index: index, field: "name length")
        guard length >= 0 else { throw .badLength(entry: nil, index: index, field: "name length", value: length) }
        guard let nameBytes = reader.readBytes(Int(length)) else {
            throw .truncated(entry: nil, index: index, field: "name", needed: Int(length), remaining: reader.remaining)
        }
        let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
        let ncall = try readInt32(&reader, entry: name, index: index, field: "call count")
        let valueCount = try readInt32(&reader, entry: name, index: index, field: "value count")
        guard valueCount >= 1 else { throw .badLength(entry: name, index: index, field: "value count", value: valueCount) }
        guard let stored = reader.readBytes(4 * Int(valueCount)) else {
            throw .truncated(entry: name, index: index, field: "values", needed: 4 * Int(valueCount),
                             remaining: reader.remaining)
        }
        let divisor = Float(Int64(ncall))
        let values = (0 ..< Int(valueCount)).map { i -> Float in
            let value = Float(bitPattern: UInt32(stored[4 * i]) | UInt32(stored[4 * i + 1]) << 8
                | UInt32(stored[4 * i + 2]) << 16 | UInt32(stored[4 * i + 3]) << 24)
            return ncall > 0 ? value / divisor : value
        }
        try checkFinite(values, entry: name)
        return (name, values)
    }

    private static func readInt32(_ reader: inout ByteReader, entry: String?, index: Int?, field: String)
        throws(ImportanceMatrixError) -> Int32 {
        guard let value = reader.readInteger(as: Int32.self) else {
            throw .truncated(entry: entry, index: index, field: field, needed: 4, remaining: reader.remaining)
        }
        return value
    }
}

extension ImportanceMatrix {
    /// The metadata keys llama-quantize requires of a GGUF importance matrix.
    static let requiredKeys = ["imatrix.datasets", "imatrix.chunk_count", "imatrix.chunk_size"]

    /// The GGUF importance matrix at `path` (layout in `ImportanceMatrix`), as
    /// common_imatrix_load and quantize.cpp's `load_imatrix` read it: tensors whose names end
    /// in neither `.in_sum2` nor `.counts` are ignored; `imatrix.datasets` is read when it is an
    /// array of strings.
    static func loadGGUF(path: String) throws -> ImportanceMatrix {
        let source = try GGUFSource(path: path)
        do {
            let (datasets, chunkCount) = try ggufMetadata(source.metadata, tensorCount: source.ggmlTensors.count)
            var weights: [String: [Float]] = [:]
            for (name, pair) in try pairedTensors(source.ggmlTensors) {
                let sums = try float32Values(source, pair.sums, entry: name)
                let counts = try float32Values(source, pair.counts, entry: name)
                weights[name] = try entryWeights(sums: sums, counts: counts, entry: name)
            }
            return ImportanceMatrix(format: .gguf, weights: weights, datasets: datasets, chunkCount: chunkCount)
        } catch let error as ImportanceMatrixError {
            throw FileError(path: path, member: error.entry, error)
        }
    }

    /// The datasets and chunk count, after checking the required keys are there.
    private static func ggufMetadata(_ metadata: [GGUFMetadataEntry], tensorCount: Int) throws(ImportanceMatrixError)
        -> ([String], Int32) {
        guard tensorCount >= 1 else { throw .noEntries }
        let values = Dictionary(metadata.map { ($0.key.description, $0.value) }, uniquingKeysWith: { first, _ in first })
        let missing = requiredKeys.filter { values[$0] == nil }
        guard missing.isEmpty else { throw .missingMetadata(missing) }
        var chunkCount: Int32 = 0
        for key in requiredKeys.dropFirst() {
            guard case .uint32(let value) = values[key]! else {
                throw .metadataType(key: key, expected: "u32", actual: "\(values[key]!.type)")
            }
            if key == "imatrix.chunk_count" { chunkCount = Int32(truncatingIfNeeded: value) }
        }
        var datasets: [String] = []
        if case .array(.string(let names)) = values["imatrix.datasets"]! {
            datasets = names.map { String(decoding: $0.bytes.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return (datasets, chunkCount)
    }

    /// The `.in_sum2` and `.counts` tensors of each entry, by entry name.
    private static func pairedTensors(_ tensors: [GGUFTensorInfo]) throws(ImportanceMatrixError)
        -> [(String, (sums: GGUFTensorInfo, counts: GGUFTensorInfo))] {
        var sums: [String: GGUFTensorInfo] = [:], counts: [String: GGUFTensorInfo] = [:]
        for tensor in tensors {
            if tensor.name.hasSuffix(".in_sum2") {
                sums[String(tensor.name.dropLast(8))] = tensor
            } else if tensor.name.hasSuffix(".counts") {
                counts[String(tensor.name.dropLast(7))] = tensor
            }
        }
        var pairs: [(String, (sums: GGUFTensorInfo, counts: GGUFTensorInfo))] = []
        for name in Set(sums.keys).union(counts.keys).sorted() {
            guard let sum = sums[name] else { throw .unpaired(entry: name, missing: name + ".in_sum2") }
            guard let count = counts[name] else { throw .unpaired(entry: name, missing: name + ".counts") }
            pairs.append((name, (sum, count)))
        }
        return pairs
    }

    /// The values of an f32 tensor (any other type is refused, as llama.cpp refuses it).
    private static func float32Values(_ source: GGUFSource, _ tensor: GGUFTensorInfo, entry: String) throws -> [Float] {
        guard tensor.type == .f32 else {
            throw ImportanceMatrixError.notFloat32(entry: entry, tensor: tensor.name, type: tensor.type)
        }
        return try source.load(tensor.name).floatValues()!
    }

    /// quantize.cpp's weights from sums and counts: expert j's `sums / Float(lround(count))`, or
    /// 1s when that count is not positive.
    static func entryWeights(sums: [Float], counts: [Float], entry: String) throws(ImportanceMatrixError) -> [Float] {
        guard !counts.isEmpty, sums.count % counts.count == 0 else {
            throw .countsMismatch(entry: entry, sums: sums.count, counts: counts.count)
        }
        let columns = sums.count / counts.count
        var weights = [Float](repeating: 0, count: sums.count)
        for (expert, stored) in counts.enumerated() {
            guard stored.isFinite, abs(stored) < 0x1p63 else { throw .badCount(entry: entry, index: expert, value: stored) }
            let count = Float(Int64(stored.rounded(.toNearestOrAwayFromZero)))
            for column in 0 ..< columns {
                let index = expert * columns + column
                weights[index] = count > 0 ? sums[index] / count : 1
            }
        }
        try checkFinite(weights, entry: entry)
        return weights
    }
}

/// A transformer's weights read from what `quantize` wrote from its Hugging Face checkpoint: a
/// compressed-tensors safetensors file or folder (pack-quantized, int-quantized; also
/// naive-quantized and the others `CompressedTensorsCheckpoint` reads, from another tool) or an
/// `.npz` archive, one file or a folder of shards (`ShardPlan.shards(inFolder:)`), each read as
/// a `QuantizedArchive`.
///
/// Names are matched to the float model's exactly (as bytes, `ExactName`): opening checks that
/// the output's tensors, each quantized one once under its own name, are the model's tensors,
/// no more and no fewer, each with the model's shape; a mismatch is one `FileError` naming the
/// output, the tensor and the `QuantizedOutputMismatch`. Two models with the same tensor names
/// and shapes (two fine-tunes of one base) cannot be told apart this way.
///
/// What the forward pass gets:
/// - `linear(prefix)` is `.quantized(QuantizedLinear)` when the output quantized
///   `prefix.weight` (every quantized 2-D weight these layouts hold is one, group-wise or with
///   outlier columns included, which then run dequantized rather than on the int8 path), else
///   `.float(Linear)`; a quantized bias comes back dequantized to float32;
/// - `floatTensor(name)` gives a kept tensor as float32, and a tensor the output quantized
///   (an embedding quantized by the rank rule, a bias under `--include`) dequantized:
///   `quantizedTensors` lists every such name, so a report can say what was quantized.
/// GGUF files are refused (`QuantizedOutputMismatch.ggufNames`): ours are written from GGUF
/// input, under llama.cpp's names, with llama's q and k rows permuted.
///
/// Tensors are read when asked for, not at opening: memory holds the headers only. The type is
/// `@unchecked Sendable` because `QuantizedArchive` holds its `TensorSource` as an existential
/// that does not declare `Sendable`; the sources it opens (safetensors, `.npz`) are immutable
/// after opening and read with `pread` or mappings, so reads from several threads are safe.
public struct QuantizedTransformerWeights: TransformerWeights, @unchecked Sendable {
    /// The file or folder as given.
    public let path: String
    /// The names of the tensors the output stores quantized.
    public let quantizedTensors: Set<ExactName>
    /// Bytes of tensor data as stored: codes, scales and zero points of quantized tensors, the
    /// stored blocks of those a reader dequantizes (`BlockQuantizedSource`: microscaled, FP8),
    /// the data of the others (headers and metadata not counted).
    public let storedByteCount: Int
    /// The stored format of each 2-D weight a reader dequantizes (`BlockQuantizedSource`), by
    /// prefix: the Linears that run a dequantized weight (`nvfp4`, `F8_E4M3 x 128x128 weight_scale_inv`).
    public let dequantizedFormats: [String: String]
    private let shards: [QuantizedArchive]
    private let locations: [ExactName: Location]

    /// Where one logical tensor is: its shard, its name, shape and stored dtype, and its entry
    /// when quantized.
    private struct Location {
        let shard: Int
        let info: TensorInfo
        let entry: ArchiveMetadata.Entry?
    }

    /// Opens the output at `path` and matches it to `model`, the float checkpoint's tensors.
    /// - Throws: `FileError`s: the shards' own (unreadable, inconsistent metadata), or one
    ///   naming a tensor and its `QuantizedOutputMismatch`.
    public init(path: String, model: [TensorInfo]) throws {
        if !ShardPlan.isFolder(path), isGGUFFile(path: path) {
            throw FileError(path: path, QuantizedOutputMismatch.ggufNames)
        }
        let files = ShardPlan.isFolder(path) ? try ShardPlan.shards(inFolder: path).shards : [path]
        let shards = try files.map { try QuantizedArchive(source: openTensorSource(path: $0)) }
        var locations: [ExactName: Location] = [:]
        var bytes = 0
        var formats: [String: String] = [:]
        for (index, shard) in shards.enumerated() {
            for (info, entry) in shard.logicalTensors {
                if let earlier = locations[ExactName(info.name)] {
                    throw FileError(path: path, member: info.name, QuantizedOutputMismatch.duplicate(
                        firstShard: shards[earlier.shard].source.path, secondShard: shard.source.path))
                }
                locations[ExactName(info.name)] = Location(shard: index, info: info, entry: entry)
                let blocks = entry == nil ? (shard.source as? any BlockQuantizedSource)?.storedBlocks(of: info.name) : nil
                bytes += entry.map { shard.storedByteCount(of: $0) } ?? blocks?.byteCount ?? info.storedByteCount
                if let blocks, info.shape.count == 2, info.name.hasSuffix(".weight") {
                    formats[String(info.name.dropLast(".weight".count))] = blocks.typeName
                }
            }
        }
        try Self.match(locations.mapValues(\.info), to: model, path: path)
        self.path = path
        self.shards = shards
        self.locations = locations
        quantizedTensors = Set(locations.filter { $0.value.entry != nil }.keys)
        storedByteCount = bytes
        dequantizedFormats = formats
    }

    /// Refuses an output whose tensors are not exactly `model`'s, with the model's shapes; the
    /// first mismatch in the model's order (then the output's, by name) is reported.
    private static func match(_ output: [ExactName: TensorInfo], to model: [TensorInfo], path: String) throws {
        for tensor in model {
            guard let found = output[ExactName(tensor.name)] else {
                throw FileError(path: path, member: tensor.name, QuantizedOutputMismatch.missing)
            }
            guard found.shape == tensor.shape else {
                throw FileError(path: path, member: tensor.name, QuantizedOutputMismatch.shape(model: tensor.shape, output: found.shape))
            }
        }
        let modelNames = Set(model.map { ExactName($0.name) })
        if let extra = output.keys.filter({ !modelNames.contains($0) }).min() {
            throw FileError(path: path, member: extra.string, QuantizedOutputMismatch.notInModel)
        }
    }

    /// The prefixes `P` whose `P.weight` is a quantized 2-D tensor: the Linear layers (and any
    /// embedding table) the output quantized.
    public var quantizedPrefixes: Set<String> {
        Set(quantizedTensors.compactMap { name in
            guard name.string.hasSuffix(".weight"), locations[name]?.info.shape.count == 2 else { return nil }
            return String(name.string.dropLast(".weight".count))
        })
    }

    public func contains(_ name: String) -> Bool {
        locations[ExactName(name)] != nil
    }

    public func linear(_ prefix: String) throws -> NetworkLayer {
        let weightName = prefix + ".weight"
        let weight = try location(weightName)
        let shape = weight.info.shape
        guard shape.count == 2 else {
            throw FileError(path: path, member: weightName, QuantizedOutputMismatch.notLinearWeight(shape: shape))
        }
        let biasName = prefix + ".bias"
        var bias: [Float]?
        if contains(biasName) {
            let (values, biasShape) = try floatTensor(biasName)
            guard biasShape == [shape[0]] else {
                throw FileError(path: path, member: biasName, QuantizedOutputMismatch.shape(model: [shape[0]], output: biasShape))
            }
            bias = values
        }
        if let entry = weight.entry {
            return .quantized(QuantizedLinear(weight: try shards[weight.shard].loadQuantized(entry), bias: bias))
        }
        let values = try floatValues(weight)
        return .float(Linear(weight: values, bias: bias, outFeatures: shape[0], inFeatures: shape[1]))
    }

    public func floatTensor(_ name: String) throws -> (values: [Float], shape: [Int]) {
        let tensor = try location(name)
        if let entry = tensor.entry {
            return (try shards[tensor.shard].loadQuantized(entry).dequantized(), entry.shape)
        }
        return (try floatValues(tensor), tensor.info.shape)
    }

    private func location(_ name: String) throws -> Location {
        guard let location = locations[ExactName(name)] else {
            throw FileError(path: path, member: name, QuantizedOutputMismatch.unknown)
        }
        return location
    }

    /// A kept tensor's values as float32, refused when it is not floating point or not finite.
    private func floatValues(_ location: Location) throws -> [Float] {
        guard location.info.dtype.isFloatingPoint else {
            throw FileError(path: path, member: location.info.name, QuantizedOutputMismatch.notFloating(location.info.dtype))
        }
        return try loadFiniteValues(of: location.info.name, in: shards[location.shard].source)
    }
}

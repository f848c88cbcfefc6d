/// The float weights of a Hugging Face checkpoint: a folder (`model.safetensors`, or the shards
/// its `model.safetensors.index.json` lists, or its `.safetensors`/`.npz`/`.npy` files) or one
/// weight file, read tensor by tensor as `TransformerWeights` asks for them.
///
/// Every floating dtype (float32, float16, bfloat16, float64) is widened to float32 (exactly,
/// but for float64). A tensor holding NaN or infinity is refused. Errors are `FileError`s naming
/// the file or folder and the tensor.
///
/// Names are looked up exactly as stored; the model built on these weights decides once whether
/// they carry a prefix such as `bert.` or `model.` (`TransformerWeights.modulePrefix`).
public final class CheckpointWeights: TransformerWeights, @unchecked Sendable {
    // @unchecked: `sources` and `owners` are never changed after `init`, and the readers read
    // with `pread` (no shared cursor), so concurrent reads are safe.

    /// The folder or file as given.
    public let path: String
    private let sources: [any TensorSource]
    /// Each tensor's name, the index of the source that holds it (the first, if several do) and
    /// what its header says.
    private let owners: [String: (source: Int, info: TensorInfo)]

    /// Opens the weight files of `path` (a folder or one file) and reads their headers.
    public init(path: String) throws {
        self.path = path
        let files = ShardPlan.isFolder(path) ? try ShardPlan.shards(inFolder: path).shards : [path]
        sources = try files.map { try openFloatTensorSource(path: $0) }
        var owners: [String: (source: Int, info: TensorInfo)] = [:]
        for (index, source) in sources.enumerated() {
            for info in source.tensors where owners[info.name] == nil { owners[info.name] = (index, info) }
        }
        self.owners = owners
    }

    public func contains(_ name: String) -> Bool { owners[name] != nil }

    /// Every tensor of the checkpoint, as its headers describe it, in file order (a name stored
    /// twice: the first).
    public var tensors: [TensorInfo] {
        sources.enumerated().flatMap { index, source in source.tensors.filter { owners[$0.name]?.source == index } }
    }

    /// - Throws: a `FileError` wrapping `TransformerError.missingTensor` or `.notFloatingPoint`,
    ///   or the reader's error.
    public func floatTensor(_ name: String) throws -> (values: [Float], shape: [Int]) {
        guard let owner = owners[name] else { throw FileError(path: path, TransformerError.missingTensor(name)) }
        let source = sources[owner.source]
        guard owner.info.dtype.isFloatingPoint else {
            throw FileError(path: source.path, TransformerError.notFloatingPoint(tensor: name, dtype: owner.info.dtype))
        }
        return (try loadFiniteValues(of: name, in: source), owner.info.shape)
    }

    /// The float Linear `prefix.weight` (rank 2, `[out, in]`) with `prefix.bias` (`[out]`) when
    /// the checkpoint has it.
    public func linear(_ prefix: String) throws -> NetworkLayer {
        let weight = try floatTensor(prefix + ".weight")
        guard weight.shape.count == 2 else {
            throw FileError(path: path, TransformerError.notAMatrix(tensor: prefix + ".weight", shape: weight.shape))
        }
        var bias: [Float]?
        if contains(prefix + ".bias") {
            let loaded = try floatTensor(prefix + ".bias")
            guard loaded.shape == [weight.shape[0]] else {
                throw FileError(path: path, TransformerError.tensorShape(tensor: prefix + ".bias", expected: [weight.shape[0]], found: loaded.shape))
            }
            bias = loaded.values
        }
        return .float(Linear(weight: weight.values, bias: bias, outFeatures: weight.shape[0], inFeatures: weight.shape[1]))
    }
}

import Foundation

/// The registry of architectures: the model `config`'s family describes, read from `weights`.
public func loadTransformer(config: TransformerConfig, weights: any TransformerWeights) throws -> any TransformerModel {
    switch config.family {
    case .bert: try BertEncoder(config: config, weights: weights)
    case .llama: try LlamaDecoder(config: config, weights: weights)
    }
}

/// The `config.json` and float weights of the Hugging Face folder `folder`, as a model; every
/// error names the folder or its file, and the tensor.
public func loadTransformer(folder: String) throws -> any TransformerModel {
    let config = try TransformerConfig.load(path: (folder as NSString).appendingPathComponent("config.json"))
    let weights = try CheckpointWeights(path: folder)
    do {
        return try loadTransformer(config: config, weights: weights)
    } catch let error as TransformerError {
        throw FileError(path: folder, error)
    }
}

/// One block (layer) of a transformer: its Linear modules and its forward pass.
public protocol TransformerBlock: Sendable {
    /// The block's Linear modules, in the order its forward pass calls them; settable so that
    /// a caller (GPTQ, evaluation) can run the block with some of them substituted.
    var linears: [TransformerLinear] { get set }
    /// The block's norms, in the order its forward pass applies them; settable so that scales
    /// can be folded into them (`ScaleFold`).
    var norms: [NormWeights] { get set }
    /// Where scales on the inputs of the block's Linears fold exactly (`ScaleFold`), in the
    /// order AWQ searches them; a Linear in no fold's consumers has no exact fold.
    var scaleFolds: [ScaleFold] { get }
    /// The block's output for `hidden`; every Linear call goes to `observer`.
    func forward(_ hidden: HiddenStates, compute: ComputePath, observer: LinearObserver?) -> HiddenStates
}

extension TransformerBlock {
    /// This block with the Linears named by the keys of `replacements` (module prefixes)
    /// replaced by their values, each of the same shape.
    /// - Throws: `TransformerError.unknownModule` or `.replacementMismatch`.
    public func replacing(_ replacements: [String: NetworkLayer]) throws(TransformerError) -> Self {
        var block = self
        for (prefix, layer) in replacements {
            guard let index = linears.firstIndex(where: { $0.prefix == prefix }) else { throw .unknownModule(prefix) }
            block.linears[index] = try linears[index].replaced(by: layer)
        }
        return block
    }
}

/// A transformer run block by block, as evaluation and layer-by-layer calibration need it:
/// `embed` a batch, run `block(i, ...)` for `i` in `0 ..< blockCount`, then the model's head
/// (BERT: pooling, `SentencePooling`; Llama: `LlamaDecoder.logits`).
public protocol TransformerModel: Sendable {
    associatedtype Block: TransformerBlock
    var config: TransformerConfig { get }
    /// The blocks in order; settable so that one can be replaced (`TransformerBlock.replacing`).
    var blocks: [Block] { get set }
    /// The hidden states entering the first block.
    /// - Throws: `TransformerError` for a batch the model cannot take (ids outside the
    ///   vocabulary, sequences longer than `max_position_embeddings`, ...).
    func embed(_ batch: TokenBatch) throws(TransformerError) -> HiddenStates
}

extension TransformerModel {
    public var blockCount: Int { blocks.count }

    /// Block `index`'s output for `hidden`.
    public func block(_ index: Int, _ hidden: HiddenStates, compute: ComputePath = .dequant,
                      observer: LinearObserver? = nil) -> HiddenStates {
        blocks[index].forward(hidden, compute: compute, observer: observer)
    }

    /// `embed`, then every block: the last block's output (before a decoder's final norm).
    public func hiddenStates(_ batch: TokenBatch, compute: ComputePath = .dequant,
                             observer: LinearObserver? = nil) throws(TransformerError) -> HiddenStates {
        var hidden = try embed(batch)
        for index in blocks.indices { hidden = block(index, hidden, compute: compute, observer: observer) }
        return hidden
    }
}

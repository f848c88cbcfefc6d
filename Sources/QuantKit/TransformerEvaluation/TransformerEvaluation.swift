/// A transformer's float and quantized models run in lockstep on the same sequences, batch by
/// batch and block by block, and compared: per Linear layer its output SQNR alone and
/// cumulative (`LinearSQNRAccumulator`), then at the head, for an encoder the pooled
/// embeddings (`EmbeddingAgreement`), for a decoder the next-token logits
/// (`NextTokenDivergence`).
///
/// Per batch and block `i`: the float block runs on the float model's hidden states, and each
/// of its Linear calls is also given to the quantized model's Linear of that prefix (the
/// *alone* SQNR: the quantized layer on the float input); then the quantized block runs on
/// the quantized model's hidden states, and each Linear output is compared with the float
/// block's output of that prefix (the *cumulative* SQNR). The float outputs are kept for one
/// block only. A decoder's `lm_head` is compared the same way on the final normalized states.
///
/// Memory: one batch's hidden states in both models, one block's Linear outputs and, for a
/// decoder, one batch's logits of both models (`tokens x vocabulary` floats each); an
/// encoder's pooled embeddings for every sequence (at most `EmbeddingAgreement.maxTexts`).
public struct TransformerEvaluation: Sendable {
    public let comparison: TransformerEvaluationReport.Comparison
    public let sqnr: LinearSQNRAccumulator
    /// The quantized model's Linear layers by prefix, for the report's shapes and schemes.
    public let layers: [ExactName: NetworkLayer]

    /// Runs `sequences` in batches of `batch` through `float` and `quantized` (the same
    /// architecture and configuration), the quantized one on `compute`. Encoders are pooled with
    /// `pooling`; decoders score `scoring`'s positions.
    /// - Throws: `TransformerError` for a batch the model refuses (ids outside the vocabulary,
    ///   sequences longer than its positions), `TransformerEvaluationError` for models that do
    ///   not match, `EmbeddingAgreementError` for too many texts.
    /// `progress` is told the batches done.
    public init(float: any TransformerModel, quantized: any TransformerModel, sequences: [[Int]], batch: Int,
                compute: ComputePath, pooling: SentencePooling, scoring: ScoredPositions = .all,
                progress: StepProgress? = nil) throws {
        precondition(batch >= 1, "batch must be positive")
        guard float.config == quantized.config, float.blockCount == quantized.blockCount else {
            throw TransformerEvaluationError.modelsDiffer
        }
        let isEncoder = float.config.family == .bert
        if isEncoder, sequences.count > EmbeddingAgreement.maxTexts {
            throw EmbeddingAgreementError.tooManyTexts(sequences.count, limit: EmbeddingAgreement.maxTexts)
        }
        var run = LockstepRun(float: float, quantized: quantized, compute: compute, scoring: scoring)
        var floatEmbeddings: [Float] = [], quantizedEmbeddings: [Float] = []
        let batches = (sequences.count + batch - 1) / batch
        for start in stride(from: 0, to: sequences.count, by: batch) {
            progress?(start / batch, batches)
            let tokens = TokenBatch(Array(sequences[start ..< min(start + batch, sequences.count)]))
            let (floatHidden, quantizedHidden) = try run.blocks(tokens)
            if isEncoder {
                floatEmbeddings += pooling.pool(floatHidden)
                quantizedEmbeddings += pooling.pool(quantizedHidden)
            } else {
                try run.decoderHead(floatHidden, quantizedHidden, tokens: tokens)
            }
        }
        progress?(batches, batches)
        if isEncoder {
            comparison = .encoder(try EmbeddingAgreement(float: floatEmbeddings, quantized: quantizedEmbeddings,
                                                         texts: sequences.count, dimension: float.config.hiddenSize))
        } else {
            guard let statistics = run.divergence.statistics else { throw TransformerEvaluationError.noScoredPositions(scoring) }
            comparison = .decoder(statistics, scoring: scoring)
        }
        sqnr = run.sqnr
        layers = run.quantizedLayers
    }
}

/// The state of one `TransformerEvaluation` between batches.
private struct LockstepRun {
    let float: any TransformerModel
    let quantized: any TransformerModel
    let compute: ComputePath
    var sqnr = LinearSQNRAccumulator()
    var divergence: NextTokenDivergence
    /// Every Linear of the quantized model, the decoder's head included.
    let quantizedLayers: [ExactName: NetworkLayer]

    init(float: any TransformerModel, quantized: any TransformerModel, compute: ComputePath, scoring: ScoredPositions) {
        (self.float, self.quantized, self.compute) = (float, quantized, compute)
        divergence = NextTokenDivergence(scoring: scoring)
        var linears = quantized.blocks.flatMap(\.linears)
        if let decoder = quantized as? LlamaDecoder { linears.append(decoder.head) }
        quantizedLayers = Dictionary(linears.map { (ExactName($0.prefix), $0.layer) }, uniquingKeysWith: { first, _ in first })
    }

    /// Both models' last block outputs for `tokens`, the SQNRs of every block's Linears added.
    mutating func blocks(_ tokens: TokenBatch) throws -> (float: HiddenStates, quantized: HiddenStates) {
        let (float, quantized, compute) = (self.float, self.quantized, self.compute)
        var floatHidden = try float.embed(tokens)
        var quantizedHidden = try quantized.embed(tokens)
        for index in 0 ..< float.blockCount {
            (floatHidden, quantizedHidden) = compared { floatObserver, quantizedObserver in
                (float.block(index, floatHidden, observer: floatObserver),
                 quantized.block(index, quantizedHidden, compute: compute, observer: quantizedObserver))
            }
        }
        return (floatHidden, quantizedHidden)
    }

    /// The decoders' logits for the last block outputs, added to `divergence` sequence by
    /// sequence, and `lm_head`'s SQNRs.
    mutating func decoderHead(_ floatHidden: HiddenStates, _ quantizedHidden: HiddenStates, tokens: TokenBatch) throws {
        guard let floatDecoder = float as? LlamaDecoder, let quantizedDecoder = quantized as? LlamaDecoder else {
            throw TransformerEvaluationError.modelsDiffer
        }
        let compute = compute
        let (floatLogits, quantizedLogits) = compared { floatObserver, quantizedObserver in
            (floatDecoder.logits(floatDecoder.normalized(floatHidden), observer: floatObserver),
             quantizedDecoder.logits(quantizedDecoder.normalized(quantizedHidden), compute: compute, observer: quantizedObserver))
        }
        let vocabulary = float.config.vocabularySize
        var offset = 0
        for sequence in tokens.sequences {
            let rows = offset * vocabulary ..< (offset + sequence.count) * vocabulary
            divergence.add(floatLogits: Array(floatLogits[rows]), quantizedLogits: Array(quantizedLogits[rows]),
                           tokens: sequence, vocabularySize: vocabulary)
            offset += sequence.count
        }
    }

    /// Runs `body` with an observer for the float model's Linear calls (each also run through
    /// the quantized Linear of its prefix: alone SQNR) and one for the quantized model's
    /// (compared with the float call of its prefix: cumulative SQNR), the float one first.
    private mutating func compared<Result>(_ body: (@escaping LinearObserver, @escaping LinearObserver) -> Result) -> Result {
        var floatOutputs: [String: [Float]] = [:]
        var accumulator = sqnr
        let (layers, compute) = (quantizedLayers, compute)
        let result = body({ call in
            floatOutputs[call.prefix] = call.output
            // Both models are one architecture (checked), so the quantized model has every prefix.
            guard let layer = layers[ExactName(call.prefix)] else { return }
            accumulator.addAlone(call.prefix, reference: call.output,
                                 output: layer.forward(call.input, batch: call.rows, compute: compute))
        }, { call in
            accumulator.addCumulative(call.prefix, reference: floatOutputs[call.prefix] ?? call.output, output: call.output)
        })
        sqnr = accumulator
        return result
    }
}

/// Why two models cannot be evaluated against each other.
public enum TransformerEvaluationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The float and quantized models have different configurations or architectures.
    case modelsDiffer
    /// A decoder run in which no position was scored (every sequence too short).
    case noScoredPositions(ScoredPositions)

    public var description: String {
        switch self {
        case .modelsDiffer: "the quantized model is not the float model's architecture and configuration"
        case .noScoredPositions(let scoring):
            "no position was scored (\(scoring.rawValue)): every sequence is too short to predict a next token"
        }
    }
}

import Foundation
import Testing
@testable import QuantKit

/// The BERT forward pass against transformers on all-MiniLM-L6-v2 (real weights) for the six
/// sentences of make_minilm_reference.py.
@Suite(.enabled(if: miniLMAvailable, "all-MiniLM-L6-v2 is not in .cache/ (run python3 Fixtures/minilm/fetch.py); the MiniLM parity tests are skipped"))
struct MiniLMParityTests {
    static func reference() throws -> (model: BertEncoder, batch: TokenBatch) {
        let config = try TransformerConfig.load(path: miniLMFolder + "/config.json")
        let model = try BertEncoder(config: config, weights: CheckpointWeights(path: miniLMFolder))
        let ids = try fixtureInts("minilm", "ids.npy"), lengths = try fixtureInts("minilm", "lengths.npy")
        var start = 0
        let sequences = lengths.map { length in
            defer { start += length }
            return Array(ids[start ..< start + length])
        }
        return (model, TokenBatch(sequences))
    }

    @Test func lastHiddenStateMatchesTransformers() throws {
        let (model, batch) = try Self.reference()
        let ours = try model.hiddenStates(batch).values
        let parity = Parity(ours, try fixtureFloats("minilm", "last_hidden_state.npy"))
        print("MiniLM last_hidden_state: \(parity)")
        #expect(parity.relative <= 1e-4, "\(parity)")
    }

    @Test func pooledEmbeddingsMatchSentenceTransformers() throws {
        let (model, batch) = try Self.reference()
        let pooling = try #require(try SentencePooling.load(folder: miniLMFolder))
        #expect(pooling == SentencePooling(mode: .mean, normalize: true))
        let ours = pooling.pool(try model.hiddenStates(batch))
        let parity = Parity(ours, try fixtureFloats("minilm", "embeddings.npy"))
        print("MiniLM pooled, normalized embeddings: \(parity)")
        #expect(parity.relative <= 1e-4, "\(parity)")
    }

    @Test func theObserverSeesSixLinearsPerLayerOnTheRealTokens() throws {
        let (model, batch) = try Self.reference()
        var calls: [LinearCall] = []
        _ = try model.hiddenStates(batch) { calls.append($0) }
        #expect(calls.map(\.prefix) == model.blocks.flatMap { $0.linears.map(\.prefix) } && calls.count == 36)
        #expect(calls.allSatisfy { $0.rows == batch.lengths.reduce(0, +) })
        #expect(calls.prefix(6).map { [$0.inFeatures, $0.outFeatures] }
            == [[384, 384], [384, 384], [384, 384], [384, 384], [384, 1536], [1536, 384]])
    }

    @Test func aSentenceGivesTheSameStatesAloneAsInTheBatch() throws {
        let (model, batch) = try Self.reference()
        let together = try model.hiddenStates(batch)
        for index in [2, 3] {
            let alone = try model.hiddenStates(TokenBatch([batch.sequences[index]]))
            let parity = Parity(alone.values, Array(together.sequence(index)))
            #expect(parity.relative <= 1e-6, "sentence \(index): \(parity)")
        }
    }

    @Test func loadTransformerRecognisesTheFolderAsABertEncoder() throws {
        let model = try loadTransformer(folder: miniLMFolder)
        let encoder = try #require(model as? BertEncoder)
        #expect(encoder.blockCount == 6 && encoder.modulePrefix == "")
        #expect(encoder.blocks[0].linears.map(\.prefix) == ["query", "key", "value"].map { "encoder.layer.0.attention.self." + $0 }
            + ["encoder.layer.0.attention.output.dense", "encoder.layer.0.intermediate.dense", "encoder.layer.0.output.dense"])
    }
}

import Foundation
import Testing
@testable import QuantKit

/// `TransformerEvaluation` on the tiny random decoders of Fixtures/transformers (random weights:
/// the divergences say how the schemes compare, not what a trained model would lose).
@Suite struct TransformerEvaluationTests {
    /// 12 sequences of 24 ids, drawn from seeded normal samples (the fixtures' two sequences
    /// score too few positions).
    static let sequences: [[Int]] = {
        let samples = gaussianSamples(count: 12 * 24, seed: 7)
        return (0 ..< 12).map { s in (0 ..< 24).map { t in Int((abs(samples[s * 24 + t]) * 997).rounded(.down)) % 512 } }
    }()

    static func folder(_ name: String) -> String { transformerFixtures.appendingPathComponent(name).path }

    /// The decoder `name` evaluated against itself with the weights `rules` round to nearest.
    static func evaluate(_ name: String, bits: Int?, batch: Int = 5, compute: ComputePath = .dequant) throws -> TransformerEvaluation {
        let weights = try CheckpointWeights(path: folder(name))
        let config = try TransformerConfig.load(path: folder(name) + "/config.json")
        let replaced = try bits.map { bits in
            try roundToNearestCheckpoint(path: folder(name), rules: SelectionRules(
                defaultScheme: QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: bits)))
        } ?? [:]
        return try TransformerEvaluation(
            float: loadTransformer(config: config, weights: weights),
            quantized: loadTransformer(config: config, weights: InMemoryQuantizedWeights(float: weights, replaced: replaced)),
            sequences: sequences, batch: batch, compute: compute, pooling: SentencePooling(mode: .mean, normalize: false))
    }

    static func statistics(_ evaluation: TransformerEvaluation) throws -> NextTokenStatistics {
        guard case .decoder(let statistics, _) = evaluation.comparison else { throw TransformerEvaluationError.modelsDiffer }
        return statistics
    }

    @Test func unquantizedWeightsDivergeOnlyByTheStoredRoundingWithInfiniteSQNR() throws {
        let evaluation = try Self.evaluate("llama", bits: nil)
        // The reference: the float model's own logits on both sides of a NextTokenDivergence.
        let folder = Self.folder("llama")
        let model = try LlamaDecoder(config: TransformerConfig.load(path: folder + "/config.json"), weights: CheckpointWeights(path: folder))
        var reference = NextTokenDivergence()
        for sequence in Self.sequences {
            let logits = model.logits(model.normalized(try model.hiddenStates(TokenBatch([sequence]))))
            reference.add(floatLogits: logits, quantizedLogits: logits, tokens: sequence, vocabularySize: 512)
        }
        let statistics = try Self.statistics(evaluation)
        // Compared as text: NaN uncertainties (a negative rounding under a square root in
        // NextTokenStatistics, here with no divergence at all) print alike but are never ==.
        #expect("\(statistics)" == "\(try #require(reference.statistics))")
        #expect(statistics.positions == 12 * 23)
        #expect(statistics.klMax < 2e-4)
        #expect(statistics.sameTopFraction == 1)
        // 2 blocks of 7 Linears, and lm_head.
        #expect(evaluation.sqnr.lines.count == 15)
        #expect(evaluation.sqnr.lines.allSatisfy { $0.aloneDB == .infinity && $0.cumulativeDB == .infinity })
    }

    @Test(arguments: ["llama", "qwen2"])
    func int8DivergesLittleAndTwoBitsMuchMore(_ name: String) throws {
        let int8 = try Self.statistics(Self.evaluate(name, bits: 8))
        let twoBit = try Self.statistics(Self.evaluate(name, bits: 2))
        print("\(name): int8 KL mean \(int8.klMean), same top \(int8.sameTopFraction); "
              + "2-bit KL mean \(twoBit.klMean), same top \(twoBit.sameTopFraction)")
        // Random weights give nearly flat next-token distributions, whose top token is fragile.
        #expect(int8.sameTopFraction >= 0.85)
        #expect(twoBit.klMean > 20 * int8.klMean)
        #expect(twoBit.sameTopFraction < int8.sameTopFraction)
        #expect(twoBit.kl99 > int8.kl99)
    }

    @Test func firstBlockInputsAreTheSameSoItsProjectionsAreAloneAsCumulative() throws {
        let evaluation = try Self.evaluate("llama", bits: 4)
        let lines = Dictionary(uniqueKeysWithValues: evaluation.sqnr.lines.map { ($0.prefix, $0) })
        for projection in ["q_proj", "k_proj", "v_proj"] {
            let line = try #require(lines["model.layers.0.self_attn.\(projection)"])
            #expect(line.aloneDB == line.cumulativeDB)
            #expect(line.aloneDB.isFinite)
        }
        // Later layers see the earlier layers' noise: the last block's down projection loses more.
        let last = try #require(lines["model.layers.1.mlp.down_proj"])
        #expect(last.cumulativeDB < last.aloneDB)
        #expect(evaluation.layers.count == 15)
    }

    @Test func batchSizeDoesNotChangeTheResult() throws {
        let one = try Self.evaluate("qwen2", bits: 4, batch: 1)
        let all = try Self.evaluate("qwen2", bits: 4, batch: 12)
        #expect("\(try Self.statistics(one))" == "\(try Self.statistics(all))")
        #expect(one.sqnr.lines.map(\.prefix) == all.sqnr.lines.map(\.prefix))
    }

    @Test func modelsOfDifferentConfigurationsAreRefused() throws {
        let llama = try CheckpointWeights(path: Self.folder("llama"))
        let qwen = try CheckpointWeights(path: Self.folder("qwen2"))
        let a = try loadTransformer(config: TransformerConfig.load(path: Self.folder("llama") + "/config.json"), weights: llama)
        let b = try loadTransformer(config: TransformerConfig.load(path: Self.folder("qwen2") + "/config.json"), weights: qwen)
        #expect(throws: TransformerEvaluationError.modelsDiffer) {
            try TransformerEvaluation(float: a, quantized: b, sequences: Self.sequences, batch: 4, compute: .dequant,
                                      pooling: SentencePooling(mode: .mean, normalize: false))
        }
    }
}

import Foundation
import Testing
@testable import QuantKit

/// `TransformerComparison` on the tiny random Llama of Fixtures/transformers/llama (hidden 64,
/// intermediate 172) and, when it is in .cache/, on all-MiniLM-L6-v2 with a few sentences.
@Suite struct TransformerComparisonTests {
    static let llama = transformerFixtures.appendingPathComponent("llama").path

    /// Six pseudo-random sequences of 12 ids below 512.
    static let sequences = (0 ..< 6).map { row in (0 ..< 12).map { (row * 131 + $0 * 37 + row * $0) % 512 } }

    static func compare(_ folder: String, sequences: [[Int]], schemes: [ComparedScheme], bitWidths: [Int],
                        pooling: SentencePooling = SentencePooling(mode: .mean, normalize: false)) throws -> TransformerComparison {
        let weights = try CheckpointWeights(path: folder)
        let config = try TransformerConfig.load(path: folder + "/config.json")
        let run = TransformerComparison.Run(sequences: sequences, origin: "test", batch: 4, compute: .dequant, pooling: pooling)
        return try TransformerComparison(path: folder, float: loadTransformer(config: config, weights: weights), floatWeights: weights,
                                         run: run, methods: [RoundToNearestQuantizer()], schemes: schemes, bitWidths: bitWidths)
    }

    @Test func decoderRowsAreBestFirstAndFewerBitsCostMore() throws {
        let comparison = try Self.compare(Self.llama, sequences: Self.sequences, schemes: ComparedScheme.transformerSet, bitWidths: [8, 4, 2])
        // 172 inputs of down_proj: neither group size divides them, so both are left out, with a note.
        #expect(Set(comparison.points.map(\.scheme)) == ["per-channel", "per-channel-asymmetric"])
        #expect(comparison.points.map(\.bits) == [8, 8, 4, 4, 2, 2])
        #expect(comparison.notes.count == 3)
        #expect(comparison.notes.allSatisfy { $0.contains("is left out: group size") && $0.contains("mlp.down_proj.weight") })
        var meanKL: [Int: Double] = [:]
        for width in [8, 4, 2] {
            let rows = comparison.points.filter { $0.bits == width }
            let kl = rows.map { row -> Double in
                guard case .decoder(let statistics, _) = row.metrics else { return .nan }
                return statistics.klMean
            }
            #expect(kl == kl.sorted(), "best (lowest KL) first at \(width) bits")
            meanKL[width] = kl[0]
        }
        #expect(meanKL[8]! < meanKL[4]! && meanKL[4]! < meanKL[2]!)
    }

    @Test func aRowIsTheEvaluationOfTheQuantizedCheckpoint() throws {
        let comparison = try Self.compare(Self.llama, sequences: Self.sequences, schemes: [ComparedScheme(name: "per-channel")], bitWidths: [4])
        let row = try #require(comparison.points.first)
        let weights = try CheckpointWeights(path: Self.llama)
        let config = try TransformerConfig.load(path: Self.llama + "/config.json")
        let rules = SelectionRules(defaultScheme: QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 4))
        let replaced = try roundToNearestCheckpoint(path: Self.llama, rules: rules)
        let quantized = InMemoryQuantizedWeights(float: weights, replaced: replaced)
        let evaluation = try TransformerEvaluation(float: loadTransformer(config: config, weights: weights),
                                                   quantized: loadTransformer(config: config, weights: quantized),
                                                   sequences: Self.sequences, batch: 4, compute: .dequant,
                                                   pooling: SentencePooling(mode: .mean, normalize: false))
        guard case .decoder(let expected, _) = evaluation.comparison, case .decoder(let found, _) = row.metrics else {
            Issue.record("not a decoder comparison")
            return
        }
        #expect(found == expected)
        #expect(row.bytes == replaced.values.reduce(0) { $0 + $1.storedByteCount })
        // 4-bit codes packed two to a byte, one float32 scale per output row: 4 + 32 / in bits.
        let elements = replaced.values.reduce(0) { $0 + $1.shape.reduce(1, *) }
        let scales = replaced.values.reduce(0) { $0 + $1.shape[0] }
        #expect(row.weights == elements)
        #expect(abs(row.bitsPerWeight - (4 + 32 * Double(scales) / Double(elements))) < 1e-12)
    }

    @Test(.enabled(if: miniLMAvailable, "all-MiniLM-L6-v2 is not in .cache/ (run python3 Fixtures/minilm/fetch.py); skipped"))
    func schemesOnMiniLMAtFourBitsAreBestFirstWithTheirScalesCounted() throws {
        let sentences = ["A man is playing a guitar.", "The cat sleeps on the sofa.", "Stock markets fell sharply today.",
                         "Someone plays an instrument."]
        let (tokenizer, _) = try Tokenizer.load(folderOrFile: miniLMFolder)
        let sequences = try sentences.map { try tokenizer.encode($0).ids }
        // Three of the five schemes, to keep the test short: both group sizes divide MiniLM's 384 and 1536.
        let schemes = [ComparedScheme(name: "per-channel"), ComparedScheme(name: "group", groupSize: 128),
                       ComparedScheme(name: "group", groupSize: 32)]
        let comparison = try Self.compare(miniLMFolder, sequences: sequences, schemes: schemes, bitWidths: [4],
                                          pooling: try #require(try SentencePooling.load(folder: miniLMFolder)))
        #expect(comparison.points.map(\.scheme).sorted() == ["group-128", "group-32", "per-channel"])
        #expect(comparison.notes.isEmpty)
        let cosines = comparison.points.map { point -> Double in
            guard case .encoder(let agreement) = point.metrics else { return .nan }
            return agreement.cosineMean
        }
        #expect(cosines == cosines.sorted(by: >))
        // Smaller groups store more scales: group-32 costs more bits per weight than group-128.
        let bits = Dictionary(uniqueKeysWithValues: comparison.points.map { ($0.scheme, $0.bitsPerWeight) })
        #expect(bits["group-32"]! > bits["group-128"]! && bits["group-128"]! > bits["per-channel"]!)
        #expect(abs(bits["group-32"]! - (4 + 32.0 / 32)) < 1e-9)
    }
}

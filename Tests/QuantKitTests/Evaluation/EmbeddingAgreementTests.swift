import Foundation
import Testing

@testable import QuantKit

/// `EmbeddingAgreement` against NumPy and `scipy.stats.spearmanr` on the embeddings of
/// Fixtures/eval_metrics (40 texts x 16; text 7 repeats text 3, text 5 is text 3 plus noise).
/// Both sides compute cosines in Double from the same float32 values, in other summation orders,
/// so values agree to a few Double roundings of 16-term sums: 1e-12 is far above that and far
/// below any gap between two different similarities of random vectors.
@Suite struct EmbeddingAgreementTests {
    static let (texts, dimension) = (40, 16)

    @Test func matchesTheNumPyAndSciPyReference() throws {
        let agreement = try EmbeddingAgreement(float: EvalMetricsFixture.floats("embeddings_float"),
                                               quantized: EvalMetricsFixture.floats("embeddings_quantized"),
                                               texts: Self.texts, dimension: Self.dimension)
        let reference = try EvalMetricsFixture.doubles("encoder_reference")
        #expect(agreement.texts == Self.texts)
        #expect(abs(agreement.cosineMean - reference[0]) < 1e-12)
        #expect(abs(agreement.cosineMin - reference[1]) < 1e-12)
        #expect(agreement.neighbourAgreement == reference[2])
        #expect(abs(agreement.similaritySpearman! - reference[3]) < 1e-12)
    }

    @Test func nearestOtherTextsMatchAndTiesGoToTheLowestIndex() throws {
        let neighbours = try EvalMetricsFixture.integers("encoder_neighbours")
        for (side, name) in ["embeddings_float", "embeddings_quantized"].enumerated() {
            let rows = unitRows(try EvalMetricsFixture.floats(name), rows: Self.texts, columns: Self.dimension)
            let found = nearestOthers(upperTriangleSimilarities(rows), texts: Self.texts)
            #expect(found == Array(neighbours[side * Self.texts ..< (side + 1) * Self.texts]), "\(name)")
            // Text 5's nearest texts, 3 and 7, are equal: the lower index wins.
            #expect(found[5] == 3 && found[3] == 7 && found[7] == 3)
        }
    }

    /// `largestSimilarityChange` and `neighboursWithinReach` against the definitions computed
    /// another way (each text's similarities sorted), and every text whose neighbour changed is
    /// one of those within reach.
    @Test func neighboursThatChangeAreWithinTheSimilarityChangesReach() throws {
        let (float, quantized) = (try EvalMetricsFixture.floats("embeddings_float"), try EvalMetricsFixture.floats("embeddings_quantized"))
        let agreement = try EmbeddingAgreement(float: float, quantized: quantized, texts: Self.texts, dimension: Self.dimension)
        let (f, q) = (unitRows(float, rows: Self.texts, columns: Self.dimension), unitRows(quantized, rows: Self.texts, columns: Self.dimension))
        func cosine(_ rows: [UnitRow], _ i: Int, _ j: Int) -> Double { dot(rows[i].values, rows[j].values) }
        let pairs = (0 ..< Self.texts).flatMap { i in (i + 1 ..< Self.texts).map { (i, $0) } }
        let delta = pairs.map { abs(cosine(q, $0.0, $0.1) - cosine(f, $0.0, $0.1)) }.max()!
        #expect(agreement.largestSimilarityChange == delta && delta > 0)
        let leads = (0 ..< Self.texts).map { i in
            let sorted = (0 ..< Self.texts).filter { $0 != i }.map { cosine(f, i, $0) }.sorted(by: >)
            return sorted[0] - sorted[1]
        }
        let withinReach = Set((0 ..< Self.texts).filter { leads[$0] < 2 * delta })
        #expect(agreement.neighboursWithinReach == withinReach.count)
        let (before, after) = (nearestOthers(upperTriangleSimilarities(f), texts: Self.texts),
                               nearestOthers(upperTriangleSimilarities(q), texts: Self.texts))
        let changed = (0 ..< Self.texts).filter { before[$0] != after[$0] }
        #expect(!changed.isEmpty && Set(changed).isSubset(of: withinReach))
    }

    @Test func spearmanRanksTiesByTheirAverage() throws {
        // scipy.stats.spearmanr([1, 2, 2, 3], [1, 3, 2, 4]): ranks [1, 2.5, 2.5, 4] and [1, 3, 2, 4].
        var x: [Double] = [1, 2, 2, 3]
        var y: [Double] = [1, 3, 2, 4]
        let rho = spearmanCorrelation(&x, &y)!
        #expect(x == [1, 2.5, 2.5, 4])
        #expect(abs(rho - 4.5 / (4.5 * 5).squareRoot()) < 1e-15)
        var constant: [Double] = [2, 2, 2]
        var other: [Double] = [1, 2, 3]
        #expect(spearmanCorrelation(&constant, &other) == nil)
    }

    @Test func identicalEmbeddingsAgreeFullyAndZeroRowsFollowTheConventions() throws {
        let values: [Float] = [1, 0, 0, 1, 1, 0, 0, 0, -1, 2, 0, 0]
        let same = try EmbeddingAgreement(float: values, quantized: values, texts: 4, dimension: 3)
        #expect(abs(same.cosineMean - 1) < 1e-15 && abs(same.cosineMin - 1) < 1e-15 && same.neighbourAgreement == 1)
        #expect(abs(same.similaritySpearman! - 1) < 1e-15)
        // Text 2 is zero in the float model only: cosine 0 for it, 1 for the others.
        var quantized = values
        quantized[6 ..< 9] = [0, 0, 0.5]
        var float = values
        float[6 ..< 9] = [0, 0, 0]
        let zero = try EmbeddingAgreement(float: float, quantized: quantized, texts: 4, dimension: 3)
        #expect(zero.cosineMin == 0 && abs(zero.cosineMean - 0.75) < 1e-15)
    }

    @Test func tooFewTextsHaveNoNeighboursOrCorrelation() throws {
        let one = try EmbeddingAgreement(float: [1, 2], quantized: [1, 2.5], texts: 1, dimension: 2)
        #expect(one.neighbourAgreement == nil && one.similaritySpearman == nil)
        let two = try EmbeddingAgreement(float: [1, 2, 3, 4], quantized: [1, 2, 3, 4], texts: 2, dimension: 2)
        #expect(two.neighbourAgreement == 1 && two.similaritySpearman == nil)
    }

    @Test func refusesMoreTextsThanItsMemoryBound() {
        let texts = EmbeddingAgreement.maxTexts + 1
        let values = [Float](repeating: 1, count: texts)
        #expect(throws: EmbeddingAgreementError.tooManyTexts(texts, limit: EmbeddingAgreement.maxTexts)) {
            try EmbeddingAgreement(float: values, quantized: values, texts: texts, dimension: 1)
        }
    }
}

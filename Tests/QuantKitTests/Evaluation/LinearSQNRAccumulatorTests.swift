import Foundation
import Testing
import QuantKit

/// `LinearSQNRAccumulator` against Fixtures/eval_metrics' NumPy reference: one Linear's outputs
/// over two batches of 6 x 8, accumulated in Double on both sides (1e-9 dB covers the orders of
/// summation).
@Suite struct LinearSQNRAccumulatorTests {
    @Test func accumulatesOverBatchesAsTheReference() throws {
        let reference = try EvalMetricsFixture.floats("sqnr_reference")
        let alone = try EvalMetricsFixture.floats("sqnr_alone")
        let cumulative = try EvalMetricsFixture.floats("sqnr_cumulative")
        let expected = try EvalMetricsFixture.doubles("sqnr_expected")
        var accumulator = LinearSQNRAccumulator()
        for batch in 0 ..< 2 {
            let rows = batch * 48 ..< (batch + 1) * 48
            accumulator.addAlone("layers.0.mlp.up_proj", reference: Array(reference[rows]), output: Array(alone[rows]))
            accumulator.addCumulative("layers.0.mlp.up_proj", reference: Array(reference[rows]), output: Array(cumulative[rows]))
        }
        let line = try #require(accumulator.lines.first)
        #expect(accumulator.lines.count == 1)
        #expect(abs(line.aloneDB - expected[0]) < 1e-9)
        #expect(abs(line.cumulativeDB - expected[1]) < 1e-9)
    }

    @Test func worstFirstWithInfiniteForExactLayers() {
        var accumulator = LinearSQNRAccumulator()
        accumulator.addAlone("a", reference: [1, 2], output: [1, 2])
        accumulator.addAlone("b", reference: [1, 2], output: [1, 2.5])
        accumulator.addAlone("c", reference: [1, 2], output: [1, 2.5])
        accumulator.addCumulative("c", reference: [1, 2], output: [1, 3])
        accumulator.addAlone("d", reference: [0, 0], output: [0, 1])
        #expect(accumulator.lines.map(\.prefix) == ["a", "b", "c", "d"])
        // d: noise on no signal; then c before b (same alone, c's cumulative lower); a exact.
        #expect(accumulator.worstFirst.map(\.prefix) == ["d", "c", "b", "a"])
        #expect(accumulator.lines[0].aloneDB == .infinity && accumulator.lines[3].aloneDB == -.infinity)
        #expect(abs(accumulator.lines[1].aloneDB - 10 * log10(5 / 0.25)) < 1e-12)
    }
}

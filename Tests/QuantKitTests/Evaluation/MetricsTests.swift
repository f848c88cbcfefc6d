import Foundation
import Testing
import QuantKit

@Suite struct MetricsTests {
    @Test func handComputedSmallCase() {
        // Errors [0, 0.5, -1, 0]: squares sum 1.25, abs sum 1.5; signal squares 1 + 4 + 9 + 16 = 30.
        let metrics = ErrorMetrics(original: [1, 2, -3, 4], reconstructed: [1, 1.5, -2, 4])
        #expect(metrics.mse == 1.25 / 4)
        #expect(metrics.meanAbsError == 1.5 / 4)
        #expect(metrics.maxAbsError == 1)
        #expect(abs(metrics.sqnrDB - 10 * log10(30 / 1.25)) < 1e-12)
        #expect(abs(metrics.sqnrDB - 13.802112417116) < 1e-9)
    }

    @Test func exactReconstructionHasInfiniteSQNR() {
        let metrics = ErrorMetrics(original: [1, -2, 3], reconstructed: [1, -2, 3])
        #expect(metrics.mse == 0 && metrics.maxAbsError == 0 && metrics.meanAbsError == 0)
        #expect(metrics.sqnrDB == .infinity)
    }

    @Test func emptyAndAllZeroSignalConventions() {
        let empty = ErrorMetrics(original: [], reconstructed: [])
        #expect(empty.mse == 0 && empty.meanAbsError == 0 && empty.maxAbsError == 0 && empty.sqnrDB == .infinity)
        let zeros = ErrorMetrics(original: [0, 0], reconstructed: [0, 0])
        #expect(zeros.sqnrDB == .infinity)
        let noisyZeros = ErrorMetrics(original: [0, 0], reconstructed: [0.5, 0])
        #expect(noisyZeros.sqnrDB == -.infinity)
        #expect(noisyZeros.mse == 0.125 && noisyZeros.maxAbsError == 0.5)
    }

    @Test func sumsAreAccumulatedInDouble() {
        // 1e30 squared overflows Float but not Double; the error 2^-23 is exact in both.
        let metrics = ErrorMetrics(original: [1 + 0x1p-23, 1e30], reconstructed: [1, 1e30])
        #expect(metrics.maxAbsError == 0x1p-23)
        #expect(metrics.mse == 0x1p-46 / 2)
        let big = Double(Float(1e30))
        let expected = 10 * log10((big * big + (1 + 0x1p-23) * (1 + 0x1p-23)) / 0x1p-46)
        #expect(abs(metrics.sqnrDB - expected) < 1e-9)
    }
}

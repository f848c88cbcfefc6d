import Foundation

/// How far reconstructed values are from the originals, accumulated in Double.
///
/// - `mse = Σ(x - x̂)² / n`
/// - `meanAbsError = Σ|x - x̂| / n`
/// - `maxAbsError = max |x - x̂|`
/// - `sqnrDB = 10 · log10(Σx² / Σ(x - x̂)²)`, the signal-to-quantization-noise ratio in decibels.
///
/// Conventions: an exact reconstruction (including an empty one) has `sqnrDB = +infinity` and
/// zero errors; an empty signal has `mse = meanAbsError = maxAbsError = 0`. An all-zero signal
/// reconstructed with any error has `sqnrDB = -infinity` (no signal, some noise).
/// Each difference `Double(x) - Double(x̂)` is exact, so only the sums round.
public struct ErrorMetrics: Sendable, Equatable {
    public let mse: Double
    public let meanAbsError: Double
    public let maxAbsError: Double
    public let sqnrDB: Double

    /// The metrics of `reconstructed` against `original`, element by element.
    /// - Precondition: both have the same count.
    /// - Complexity: O(n).
    public init(original: [Float], reconstructed: [Float]) {
        precondition(original.count == reconstructed.count,
                     "original (\(original.count)) and reconstructed (\(reconstructed.count)) differ in length")
        var signal = 0.0
        var noise = 0.0
        var absSum = 0.0
        var absMax = 0.0
        for (x, y) in zip(original, reconstructed) {
            let value = Double(x)
            let error = value - Double(y)
            signal += value * value
            noise += error * error
            absSum += abs(error)
            absMax = max(absMax, abs(error))
        }
        let n = Double(max(original.count, 1))
        mse = noise / n
        meanAbsError = absSum / n
        maxAbsError = absMax
        sqnrDB = noise == 0 ? .infinity : 10 * log10(signal / noise)
    }

    /// The metrics of sums the quantization kernels gathered over `count` elements (in float32
    /// lanes over runs of at most 65536 elements, then in Double: the sums differ from the
    /// element-by-element Double ones only in their last digits).
    init(sums: ErrorSums, count: Int) {
        let n = Double(max(count, 1))
        mse = sums.noise / n
        meanAbsError = sums.absolute / n
        maxAbsError = Double(sums.maxError)
        sqnrDB = sums.noise == 0 ? .infinity : 10 * log10(sums.signal / sums.noise)
    }
}

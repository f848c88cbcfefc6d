import Foundation

/// Each Linear layer's output SQNR over every batch a transformer evaluation runs, keyed by the
/// layer's prefix (`encoder.layer.0.attention.self.query`):
/// `SQNR = 10 · log10(Σ s² / Σ (s - x)²)` dB, where `s` is the float model's output of the layer
/// and `x` the quantized layer's, both sums in Double over every value of every batch added.
/// - alone: the quantized layer fed the float model's input of that layer (what this layer's
///   quantization costs by itself);
/// - cumulative: the quantized model's own output at that layer, fed by the quantized layers
///   before it (what the model has lost by then).
///
/// Conventions as `ErrorMetrics`: no noise is `+infinity` (rendered "inf", null in JSON); noise
/// over an all-zero signal is `-infinity`.
public struct LinearSQNRAccumulator: Sendable {
    /// One layer's sums; the SQNRs follow from them.
    public struct Line: Sendable, Equatable {
        public let prefix: String
        public fileprivate(set) var signalAlone = 0.0, noiseAlone = 0.0
        public fileprivate(set) var signalCumulative = 0.0, noiseCumulative = 0.0

        public var aloneDB: Double { sqnrDecibels(signal: signalAlone, noise: noiseAlone) }
        public var cumulativeDB: Double { sqnrDecibels(signal: signalCumulative, noise: noiseCumulative) }
    }

    /// In the order each prefix was first added (the model's order, when the forward adds in it).
    public private(set) var lines: [Line] = []
    private var index: [String: Int] = [:]

    public init() {}

    /// Adds one batch of layer `prefix`'s outputs: the float model's (`reference`) and the
    /// quantized layer's fed the float input.
    /// - Precondition: both have the same count.
    public mutating func addAlone(_ prefix: String, reference: [Float], output: [Float]) {
        let (signal, noise) = signalAndNoise(reference, output)
        update(prefix) { $0.signalAlone += signal; $0.noiseAlone += noise }
    }

    /// Adds one batch of layer `prefix`'s outputs: the float model's (`reference`) and the
    /// quantized model's at that layer.
    /// - Precondition: both have the same count.
    public mutating func addCumulative(_ prefix: String, reference: [Float], output: [Float]) {
        let (signal, noise) = signalAndNoise(reference, output)
        update(prefix) { $0.signalCumulative += signal; $0.noiseCumulative += noise }
    }

    /// The lines worst first: by alone SQNR, then cumulative SQNR, ascending; equal lines keep
    /// the order they were first added in.
    public var worstFirst: [Line] {
        lines.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.aloneDB != y.aloneDB { return x.aloneDB < y.aloneDB }
            if x.cumulativeDB != y.cumulativeDB { return x.cumulativeDB < y.cumulativeDB }
            return a.offset < b.offset
        }.map(\.element)
    }

    private mutating func update(_ prefix: String, _ change: (inout Line) -> Void) {
        if let position = index[prefix] {
            change(&lines[position])
        } else {
            index[prefix] = lines.count
            var line = Line(prefix: prefix)
            change(&line)
            lines.append(line)
        }
    }
}

/// `Σ s²` and `Σ (s - x)²` in Double (each difference exact in Double).
private func signalAndNoise(_ reference: [Float], _ output: [Float]) -> (signal: Double, noise: Double) {
    precondition(reference.count == output.count, "reference (\(reference.count)) and output (\(output.count)) differ in length")
    var (signal, noise) = (0.0, 0.0)
    for (s, x) in zip(reference, output) {
        let (value, error) = (Double(s), Double(s) - Double(x))
        signal += value * value
        noise += error * error
    }
    return (signal, noise)
}

/// `10 · log10(signal / noise)`; `+infinity` without noise (a layer never added has none).
func sqnrDecibels(signal: Double, noise: Double) -> Double {
    noise == 0 ? .infinity : 10 * log10(signal / noise)
}

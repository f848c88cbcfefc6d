@testable import QuantKit

/// A small float network and calibration rows for running methods through the seam: `[6 -> 8 -> 4]`
/// with PyTorch-like weights and standard-normal rows.
struct SeamNetwork {
    let layers: [Linear]
    let rows: EvaluationData

    init(seed: UInt64 = 13, samples: Int = 32) {
        var random = QuantTestRandom(seed: seed)
        layers = [pytorchLikeLinear(inFeatures: 6, outFeatures: 8, using: &random),
                  pytorchLikeLinear(inFeatures: 8, outFeatures: 4, using: &random)]
        rows = EvaluationData(samples: samples, width: 6, seed: seed)
    }

    /// The layers under `schemes` (one per layer), with the rows captured through ReLU when
    /// `calibrated`.
    func toQuantize(_ schemes: [QuantScheme?], calibrated: Bool = true) -> LayersToQuantize {
        LayersToQuantize(names: ["fc1", "fc2"], layers: layers, schemes: schemes, activation: .relu,
                         calibration: calibrated ? CalibrationCapture(layers: layers, rows: rows, activation: .relu) : nil)
    }
}

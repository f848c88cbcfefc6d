import Foundation

/// The nonlinearity between the layers of an `MLP` (none after the last layer).
public enum Activation: String, Sendable, CaseIterable, Codable {
    /// `max(x, 0)`.
    case relu
    /// `x · Φ(x) = x/2 · (1 + erf(x/√2))`, the exact GELU (PyTorch's default, not the tanh approximation).
    case gelu
    case tanh
    /// `1 / (1 + e^-x)`.
    case sigmoid
    /// The identity.
    case none

    /// Applies the activation to every element, in float32.
    public func apply(_ values: inout [Float]) {
        switch self {
        case .relu:
            for i in values.indices where values[i] < 0 { values[i] = 0 }
        case .gelu:
            for i in values.indices { values[i] = 0.5 * values[i] * (1 + erf(values[i] * 0.70710678)) }
        case .tanh:
            for i in values.indices { values[i] = Foundation.tanh(values[i]) }
        case .sigmoid:
            for i in values.indices { values[i] = 1 / (1 + exp(-values[i])) }
        case .none:
            break
        }
    }
}

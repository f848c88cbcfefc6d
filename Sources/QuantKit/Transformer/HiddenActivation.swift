import Foundation

/// The activation inside a transformer's MLP, by its `hidden_act` name in `config.json`.
public enum HiddenActivation: String, Sendable, Equatable, CaseIterable {
    /// "gelu": the exact GELU, `x · Φ(x) = x / 2 · (1 + erf(x / √2))` (torch's default `gelu`).
    case gelu
    /// "gelu_new", "gelu_pytorch_tanh": the tanh approximation
    /// `x / 2 · (1 + tanh(√(2/π) · (x + 0.044715 x³)))`, within 5e-4 · |x| of the exact GELU.
    case geluTanh
    /// "silu" (or "swish"): `x · σ(x) = x / (1 + e^-x)`.
    case silu

    /// The `hidden_act` names read, for messages.
    public static let names = ["gelu", "gelu_new", "gelu_pytorch_tanh", "silu", "swish"]

    init(name: String) throws(TransformerError) {
        switch name {
        case "gelu": self = .gelu
        case "gelu_new", "gelu_pytorch_tanh": self = .geluTanh
        case "silu", "swish": self = .silu
        default: throw .unsupportedSetting(field: "hidden_act", value: name, supported: Self.names)
        }
    }

    /// The activation of one value, in float32 (`erff`, `tanhf`, `expf`).
    @inline(__always)
    public func callAsFunction(_ x: Float) -> Float {
        switch self {
        case .gelu: x * 0.5 * (1 + erff(x * Float(0.5).squareRoot()))
        case .geluTanh: 0.5 * x * (1 + tanhf(Float((2 / Double.pi).squareRoot()) * (x + 0.044715 * x * x * x)))
        case .silu: x / (1 + expf(-x))
        }
    }

    /// Values per task of the parallel loops below: large enough to amortize a task, small
    /// enough that a batch's MLP activations (tokens x intermediate) spread over every core.
    private static let chunk = 16384

    /// Applies the activation to every value of `values` in place, in chunks on `threads`
    /// threads (each value is computed alone, so the result does not depend on `threads`).
    /// - Complexity: O(values.count).
    public func apply(_ values: inout [Float], threads: Int = defaultThreadCount) {
        let count = values.count
        values.withUnsafeMutableBufferPointer { buffer in
            parallelFor((count + Self.chunk - 1) / Self.chunk, threads: threads) { task in
                let range = task * Self.chunk ..< min(count, (task + 1) * Self.chunk)
                switch self {
                case .gelu: for i in range { buffer[i] = HiddenActivation.gelu(buffer[i]) }
                case .geluTanh: for i in range { buffer[i] = HiddenActivation.geluTanh(buffer[i]) }
                case .silu: for i in range { buffer[i] = HiddenActivation.silu(buffer[i]) }
                }
            }
        }
    }

    /// SwiGLU's product `act(gate) · up`, element by element, written into `gate`, in chunks on
    /// `threads` threads as `apply`.
    /// - Precondition: `gate.count == up.count`.
    public func applyGated(_ gate: inout [Float], up: [Float], threads: Int = defaultThreadCount) {
        precondition(gate.count == up.count, "gate and up differ in size")
        let count = gate.count
        gate.withUnsafeMutableBufferPointer { gate in
            up.withUnsafeBufferPointer { up in
                parallelFor((count + Self.chunk - 1) / Self.chunk, threads: threads) { task in
                    for i in task * Self.chunk ..< min(count, (task + 1) * Self.chunk) { gate[i] = self(gate[i]) * up[i] }
                }
            }
        }
    }
}

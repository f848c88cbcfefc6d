import Foundation
import QuantKit

/// The arrays Fixtures/eval_metrics/make_eval_metrics_fixtures.py wrote (inputs, and the
/// reference values NumPy and SciPy computed from them).
enum EvalMetricsFixture {
    static func tensor(_ name: String) throws -> Tensor {
        let url = fixturesFolder.appendingPathComponent("eval_metrics").appendingPathComponent(name + ".npy")
        return try readNPY(bytes: [UInt8](Data(contentsOf: url)))
    }

    static func floats(_ name: String) throws -> [Float] {
        try tensor(name).floatValues()!
    }

    /// A float64 array's values, exactly.
    static func doubles(_ name: String) throws -> [Double] {
        let tensor = try tensor(name)
        precondition(tensor.dtype == .float64, "\(name) is not float64")
        return tensor.bytes.withUnsafeBytes { raw in (0 ..< tensor.elementCount).map { raw.loadUnaligned(fromByteOffset: 8 * $0, as: Double.self) } }
    }

    /// An int64 array's values.
    static func integers(_ name: String) throws -> [Int] {
        let tensor = try tensor(name)
        precondition(tensor.dtype == .int64, "\(name) is not int64")
        return tensor.bytes.withUnsafeBytes { raw in (0 ..< tensor.elementCount).map { Int(raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) } }
    }
}

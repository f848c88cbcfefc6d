import Foundation

/// What a microscaling run wrote: each quantized weight's bits per weight (codes, scales and
/// NVFP4's global scale, `MicroscalingFormat.bitsPerWeight`), reconstruction MSE and SQNR,
/// global scale and the weights it is shared with; and the tensors kept as they were.
public struct MicroscalingReport: Sendable, LayoutReport {
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var shape: [Int]
        public var bitsPerWeight: Double
        public var mse: Double
        /// `10 log10(sum x^2 / sum (x - x̂)^2)`; infinite for an exact reconstruction (an all-zero weight too).
        public var sqnrDB: Double
        public var globalScale: Float?
        /// The other weights sharing the global scale (NVFP4 fusion), sorted.
        public var fusedWith: [String]
    }

    public var format: MicroscalingFormat
    public var entries: [Entry]
    public var kept: [String]

    /// Bits per weight over every quantized weight (stored bits / elements).
    public var bitsPerWeight: Double {
        let elements = entries.reduce(0) { $0 + $1.shape.reduce(1, *) }
        let bits = entries.reduce(0.0) { $0 + $1.bitsPerWeight * Double($1.shape.reduce(1, *)) }
        return elements == 0 ? 0 : bits / Double(elements)
    }

    public func renderedTable() -> String {
        var lines = ["\(format.rawValue) (\(format.compressedTensorsFormat)): \(entries.count) weights quantized, "
            + "\(kept.count) tensors kept, \(String(format: "%.4f", bitsPerWeight)) bits per weight"]
        for entry in entries {
            let fused = entry.fusedWith.isEmpty ? "" : "  global scale shared with " + entry.fusedWith.joined(separator: ", ")
            lines.append("  \(entry.name) \(formatShape(entry.shape))  \(String(format: "%.4f", entry.bitsPerWeight)) bpw  "
                + "MSE \(String(format: "%.3e", entry.mse))  SQNR \(String(format: "%.2f", entry.sqnrDB)) dB\(fused)")
        }
        if !kept.isEmpty { lines.append("  kept: " + kept.joined(separator: ", ")) }
        return lines.joined(separator: "\n") + "\n"
    }

    public func renderedJSON() -> String {
        let tensors: [[String: Any]] = entries.map { entry in
            var object: [String: Any] = ["name": entry.name, "shape": entry.shape, "bits_per_weight": entry.bitsPerWeight,
                                         "mse": entry.mse, "sqnr_db": entry.sqnrDB.isFinite ? entry.sqnrDB : "inf",
                                         "fused_with": entry.fusedWith]
            if let global = entry.globalScale { object["global_scale"] = Double(global) }
            return object
        }
        let object: [String: Any] = ["format": format.rawValue, "compressed_tensors_format": format.compressedTensorsFormat,
                                     "bits_per_weight": bitsPerWeight, "tensors": tensors, "kept": kept]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

import Foundation

/// What a microscaling run would write (`--dry-run`), from the headers alone: each Linear
/// weight's stored bytes and bits per weight in `format` (codes, scales and NVFP4's global
/// scale, `MicroscalingFormat.bitsPerWeight`), the NVFP4 weights that would share a global
/// scale (`MicroscalingFusion`), and the tensors kept as they are.
public struct MicroscalingPlan: Sendable, LayoutReport {
    public struct Weight: Sendable, Equatable {
        public var name: String
        public var shape: [Int]
        /// The float tensor's bytes, and the bytes of the members it becomes.
        public var bytesBefore: Int
        public var bytesAfter: Int
        public var fusedWith: [String]

        public var elements: Int { shape.reduce(1, *) }
    }

    public var format: MicroscalingFormat
    public var weights: [Weight]
    /// The tensors copied unchanged.
    public var kept: [TensorInfo]
    /// The files the run would write: one per shard, then a folder's companions and index.
    public var outputs: [String]

    /// Adds a shard's `tensors` (in order) of which `selected` are quantized, written to
    /// `output`; NVFP4's fused partners are taken from `fusedGroups` (over every shard's weights).
    mutating func add(tensors: [TensorInfo], selected: [TensorInfo], fusedGroups: [[String]], output: String) {
        let chosen = Set(selected.map(\.name))
        for info in tensors {
            guard chosen.contains(info.name) else {
                kept.append(info)
                continue
            }
            let after = MicroscalingQuantization.members(of: info, format: format, file: .safetensors)
                .reduce(0) { $0 + $1.storedByteCount }
            let partners = fusedGroups.first { $0.contains(info.name) }?.filter { $0 != info.name } ?? []
            weights.append(Weight(name: info.name, shape: info.shape, bytesBefore: info.storedByteCount, bytesAfter: after,
                                  fusedWith: format == .nvfp4 ? partners : []))
        }
        outputs.append(output)
    }

    /// Bits per weight over the quantized weights (stored bits / elements).
    public var bitsPerWeight: Double {
        let elements = weights.reduce(0) { $0 + $1.elements }
        return elements == 0 ? 0 : Double(weights.reduce(0) { $0 + 8 * $1.bytesAfter }) / Double(elements)
    }

    public func renderedTable() -> String {
        var table = TextTable(columns: [("tensor", .left), ("shape", .left), ("stored as", .left), ("before", .right),
                                        ("after", .right), ("bpw", .right)])
        for weight in weights {
            table.append([weight.name, formatShape(weight.shape), format.storedDescription, formatBytes(weight.bytesBefore),
                          formatBytes(weight.bytesAfter), String(format: "%.4f", Double(8 * weight.bytesAfter) / Double(max(weight.elements, 1)))])
        }
        for info in kept {
            let bytes = formatBytes(info.storedByteCount)
            table.append([info.name, formatShape(info.shape), "kept (\(info.dtype.rawValue))", bytes, bytes, "-"])
        }
        var lines = [table.rendered()]
        lines.append("\(weights.count) weights to quantize to \(format.storedDescription) as \(format.compressedTensorsFormat), "
            + "\(String(format: "%.4f", bitsPerWeight)) bits per weight; \(kept.count) tensors kept")
        for weight in weights where !weight.fusedWith.isEmpty {
            lines.append("  \(weight.name): global scale shared with " + weight.fusedWith.joined(separator: ", "))
        }
        lines.append("would write " + outputs.joined(separator: ", "))
        lines.append("nothing written (dry run)")
        return lines.joined(separator: "\n") + "\n"
    }

    public func renderedJSON() -> String {
        let tensors: [[String: Any]] = weights.map {
            ["name": $0.name, "shape": $0.shape, "bytes_before": $0.bytesBefore, "bytes_after": $0.bytesAfter,
             "bits_per_weight": Double(8 * $0.bytesAfter) / Double(max($0.elements, 1)), "fused_with": $0.fusedWith]
        }
        let object: [String: Any] = [
            "dry_run": true, "format": format.rawValue, "stored_as": format.storedDescription,
            "compressed_tensors_format": format.compressedTensorsFormat, "bits_per_weight": bitsPerWeight,
            "tensors": tensors, "kept": kept.map(\.name), "outputs": outputs,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

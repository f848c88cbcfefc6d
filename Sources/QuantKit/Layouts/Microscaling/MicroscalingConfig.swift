import Foundation

/// The `quantization_config` of a checkpoint folder written in a microscaling format: what
/// compressed-tensors 0.20.1's `ModelCompressor.update_config` writes for its `NVFP4A16`,
/// `MXFP4A16` and `MXFP8A16` presets applied to `targets: ["Linear"]` (`Fixtures/mx/library_written_mx.py`,
/// `headed-*`): one weight-only group whose `weights` are the preset's
///
/// - NVFP4: `num_bits 4, type float, strategy tensor_group, group_size 16, scale_dtype torch.float8_e4m3fn`;
/// - MXFP4: `num_bits 4, type float, strategy group, group_size 32, scale_dtype torch.uint8`;
/// - MXFP8: `num_bits 8, type float, strategy group, group_size 32, scale_dtype torch.uint8`;
///
/// all `symmetric`, not `dynamic`, with no input or output activations; the group's and the
/// config's `format` the format's compressed-tensors name; `ignore` the Linear modules (by
/// `ModuleRole.isLinearClass`: an output head) kept in float.
public struct MicroscalingConfig: ConfigUpdate, Equatable {
    public let format: MicroscalingFormat
    /// Linear modules whose weights stay in float, in file order.
    public let ignore: [String]

    public init(format: MicroscalingFormat, ignore: [String]) {
        self.format = format
        self.ignore = ignore
    }

    /// The entry for the tensors of a checkpoint of which `quantized` (weights) were quantized:
    /// every other Linear-class weight (`roles`) is ignored.
    public init(format: MicroscalingFormat, tensors: [TensorInfo], quantized: Set<String>, roles: ModuleRoles) {
        let kept = tensors.filter { !quantized.contains($0.name) && roles.role(of: $0).isLinearClass }
        self.init(format: format, ignore: kept.map { CompressedTensorsFormat.moduleName(of: $0.name) })
    }

    /// The preset's weight arguments (see the type).
    var weights: [String: Any] {
        [
            "num_bits": format.elementBits,
            "type": "float",
            "symmetric": true,
            "strategy": format.hasGlobalScale ? "tensor_group" : "group",
            "group_size": format.groupSize,
            "dynamic": false,
            "scale_dtype": format == .nvfp4 ? "torch.float8_e4m3fn" : "torch.uint8",
        ]
    }

    /// The entry as a JSON object (`JSONSerialization` types).
    public var jsonObject: [String: Any] {
        let group: [String: Any] = [
            "targets": ["Linear"],
            "weights": weights,
            "input_activations": NSNull(),
            "output_activations": NSNull(),
            "format": format.compressedTensorsFormat,
        ]
        return CompressedTensorsConfig.entry(format: format.compressedTensorsFormat, configGroups: ["group_0": group],
                                             ignore: ignore)
    }

    /// `config` (a `config.json`'s bytes) with `quantization_config` set to this entry; every
    /// other byte kept as written.
    public func merged(into config: [UInt8]) throws(CompressedTensorsConfig.ConfigError) -> [UInt8] {
        guard ModelConfig.jsonObject(config) != nil else { throw .notAnObject }
        return CompressedTensorsConfig.setting(jsonObject, in: config)
    }
}

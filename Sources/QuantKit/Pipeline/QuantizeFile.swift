import Foundation

/// Quantizes every tensor of `source` that `rules` select and writes the archive to
/// `outputPath`, one tensor at a time (memory follows the largest tensor, not the file).
///
/// The plan is checked before any data is read. The output appears only when every tensor
/// has been written; on any error the temporary file is removed and the error, wrapped in a
/// `FileError` naming the input and tensor, is rethrown.
/// - Parameter progress: called with a short line before each tensor (for a terminal).
public func quantizeFile(
    source: any TensorSource, outputPath: String, rules: SelectionRules,
    compress: Bool, overwrite: Bool, progress: ((String) -> Void)? = nil
) throws -> QuantizationReport {
    let start = Date()
    let plan: QuantizationPlan
    do {
        plan = try QuantizationPlan(tensors: source.tensors, rules: rules)
    } catch {
        throw FileError(path: source.path, error)
    }
    let output = try AtomicOutput(destination: outputPath, overwrite: overwrite, inputs: [source.path])
    defer { output.discard() }
    let writer = try NPZWriter(path: output.temporaryPath, displayPath: outputPath, compressed: compress)

    var lines: [QuantizationReport.TensorLine] = []
    var entries: [ArchiveMetadata.Entry] = []
    for (position, step) in plan.steps.enumerated() {
        let info = step.tensor
        progress?("[\(position + 1)/\(plan.steps.count)] \(info.name)")
        let tensor = try source.load(info.name)
        guard let scheme = step.scheme else {
            try writer.add(name: info.name, tensor: tensor)
            lines.append(.init(name: info.name, shape: info.shape, dtype: info.dtype.rawValue, scheme: "none",
                               bits: nil, axis: nil, bytesBefore: tensor.bytes.count, bytesAfter: tensor.bytes.count,
                               mse: nil, maxAbsError: nil, sqnrDB: nil))
            continue
        }
        let quantized: QuantizedTensor
        let values: [Float]
        do {
            values = tensor.floatValues()!
            try NonFiniteValue.check(values, shape: info.shape, storedDType: info.dtype)
            quantized = try quantize(values, shape: info.shape, scheme: scheme)
        } catch {
            throw FileError(path: source.path, member: info.name, error)
        }
        try writer.add(name: info.name, tensor: quantized.codesTensor)
        try writer.add(name: ArchiveLayout.scaleName(for: info.name), tensor: quantized.scalesTensor)
        if let zeroPoints = quantized.zeroPointsTensor {
            try writer.add(name: ArchiveLayout.zeroPointName(for: info.name), tensor: zeroPoints)
        }
        let metrics = ErrorMetrics(original: values, reconstructed: quantized.dequantized())
        lines.append(.init(name: info.name, shape: info.shape, dtype: info.dtype.rawValue, scheme: scheme.name,
                           bits: scheme.bits, axis: quantized.axis, bytesBefore: tensor.bytes.count,
                           bytesAfter: quantized.storedByteCount, mse: metrics.mse,
                           maxAbsError: metrics.maxAbsError, sqnrDB: metrics.sqnrDB))
        entries.append(ArchiveMetadata.Entry(name: info.name, quantized: quantized, originalDType: info.dtype))
    }
    let metadata = ArchiveMetadata(tool: QuantKitVersion.toolName, tensors: entries).encoded()
    try writer.add(name: ArchiveLayout.metadataName,
                   tensor: try! Tensor(dtype: .uint8, shape: [metadata.count], bytes: metadata))
    try writer.finish()
    try output.commit()
    return QuantizationReport(input: source.path, output: outputPath, tensors: lines,
                              elapsedSeconds: Date().timeIntervalSince(start))
}

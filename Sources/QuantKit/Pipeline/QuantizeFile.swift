import Foundation

/// Quantizes every tensor of `source` that `rules` select and writes the archive to
/// `outputPath`, one tensor at a time (memory follows the largest tensor, not the file; two
/// tensors for compressed inputs, see `TensorPrefetcher`).
///
/// The plan is checked before any data is read. The output appears only when every tensor
/// has been written; on any error the temporary file is removed and the error, wrapped in a
/// `FileError` naming the input and tensor, is rethrown.
/// - Parameter progress: called before each tensor (for a terminal's progress line).
public func quantizeFile(
    source: any TensorSource, outputPath: String, rules: SelectionRules,
    compress: Bool, overwrite: Bool, threads: Int = defaultThreadCount, progress: ((QuantizeProgress) -> Void)? = nil
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
    let writer = try NPZWriter(path: output.temporaryPath, displayPath: outputPath, compressed: compress, threads: threads)
    let reader = TensorPrefetcher(source: source, names: plan.steps.map(\.tensor.name), threads: threads)

    var lines: [QuantizationReport.TensorLine] = []
    var entries: [ArchiveMetadata.Entry] = []
    for (position, step) in plan.steps.enumerated() {
        progress?(QuantizeProgress(tensor: step.tensor.name, index: position, count: plan.steps.count,
                                   bytesDone: lines.reduce(0) { $0 + $1.bytesBefore }))
        let (info, bytes) = try reader.read(position)
        guard let scheme = step.scheme else {
            try writer.add(name: info.name, dtype: info.dtype, shape: info.shape, bytes: bytes)
            lines.append(.init(name: info.name, shape: info.shape, dtype: info.dtype.rawValue, scheme: "none",
                               bits: nil, axis: nil, bytesBefore: bytes.count, bytesAfter: bytes.count,
                               mse: nil, maxAbsError: nil, sqnrDB: nil))
            continue
        }
        let quantized = try quantizeStreaming(bytes, info: info, scheme: scheme, threads: threads, source: source.path,
                                              writer: writer)
        lines.append(.init(name: info.name, shape: info.shape, dtype: info.dtype.rawValue, scheme: scheme.name,
                           bits: scheme.bits, axis: quantized.axis, bytesBefore: bytes.count,
                           bytesAfter: QuantizedTensor.storedByteCount(codes: bytes.count / info.dtype.byteSize,
                                                                       scales: quantized.scales.count,
                                                                       zeroPoints: quantized.zeroPoints.count),
                           mse: quantized.metrics.mse, maxAbsError: quantized.metrics.maxAbsError,
                           sqnrDB: quantized.metrics.sqnrDB))
        entries.append(ArchiveMetadata.Entry(name: info.name, scheme: scheme, axis: quantized.axis, shape: info.shape,
                                             originalDType: info.dtype))
    }
    let metadata = ArchiveMetadata(tool: QuantKitVersion.toolName, tensors: entries).encoded()
    try writer.add(name: ArchiveLayout.metadataName,
                   tensor: try! Tensor(dtype: .uint8, shape: [metadata.count], bytes: metadata))
    try writer.finish()
    try output.commit()
    return QuantizationReport(input: source.path, output: outputPath, tensors: lines,
                              elapsedSeconds: Date().timeIntervalSince(start))
}

/// Where a `quantizeFile` run is: about to read tensor `index` of `count`, after `bytesDone`
/// bytes of tensor data.
public struct QuantizeProgress: Sendable {
    public let tensor: String
    public let index: Int
    public let count: Int
    public let bytesDone: Int
}

/// Quantizes the floating tensor `info` whose C-order little-endian data is `bytes` and writes
/// its members to `writer`: the codes as they are produced (in batches of the writer's
/// preferred size), then the scales and zero points. Float32 data is used where it lies;
/// float16 and float64 are converted first.
/// NaN and infinity are refused as `NonFiniteValue` before anything is written.
func quantizeStreaming(_ bytes: UnsafeRawBufferPointer, info: TensorInfo, scheme: QuantScheme, threads: Int,
                       source: String, writer: NPZWriter) throws -> (scales: [Float], zeroPoints: [Int32], axis: Int?,
                                                                      metrics: ErrorMetrics) {
    func run(_ floats: UnsafeRawBufferPointer) throws -> (scales: [Float], zeroPoints: [Int32], axis: Int?, metrics: ErrorMetrics) {
        var result: (scales: [Float], zeroPoints: [Int32], axis: Int?, metrics: ErrorMetrics?)?
        try writer.add(name: info.name, dtype: scheme.codeDType, shape: info.shape) { write in
            do {
                result = try quantizeFloat32(floats, shape: info.shape, scheme: scheme, measure: true, threads: threads,
                                             batchBytes: writer.preferredWriteSize) { try write($0) }
            } catch let error as NonFiniteElement {
                throw FileError(path: source, member: info.name, NonFiniteValue(
                    index: multiIndex(ofFlat: error.index, in: info.shape),
                    value: floats.loadUnaligned(fromByteOffset: 4 * error.index, as: Float.self), storedDType: info.dtype))
            } catch let error as QuantizationError {
                throw FileError(path: source, member: info.name, error)
            }
        }
        let done = result!
        let scaleShape = QuantizedTensor.scaleShape(of: info.shape, axis: done.axis)
        try writer.add(name: ArchiveLayout.scaleName(for: info.name), tensor: Tensor(shape: scaleShape, values: done.scales))
        if !scheme.symmetric {
            try writer.add(name: ArchiveLayout.zeroPointName(for: info.name),
                           tensor: QuantizedTensor.zeroPointsTensor(done.zeroPoints, shape: scaleShape))
        }
        return (done.scales, done.zeroPoints, done.axis, done.metrics!)
    }
    guard info.dtype != .float32 else { return try run(bytes) }
    let converted = try Tensor(dtype: info.dtype, shape: info.shape, bytes: Array(bytes)).floatValues()!
    return try converted.withUnsafeBytes(run)
}

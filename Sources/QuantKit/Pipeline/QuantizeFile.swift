import Foundation

/// Quantizes every tensor of `source` that `rules` select and writes the result to
/// `outputPath` in `layout`, one tensor at a time (memory follows the largest quantized tensor,
/// not the file; two tensors for compressed inputs, see `TensorPrefetcher`). Tensors kept as
/// they are are copied in pieces of `MemoryCost.pieceSize`, whatever their size.
///
/// The plan, and every tensor's cost against `memoryBudget` (`MemoryCost`), are checked before
/// any data is read. The output appears only when every tensor
/// has been written; on any error the temporary file is removed and the error, wrapped in a
/// `FileError` naming the input and tensor, is rethrown.
/// - Parameters:
///   - overrides: tensors a method other than streamed round-to-nearest quantizes (see
///     `methodOverrides`): written as given, or quantized by the method when read.
///   - run: where the committed output is recorded (see `OutputRun`), for a caller that writes
///     several files and removes them all if one fails.
///   - progress: called before each tensor (for a terminal's progress line).
public func quantizeFile(
    source: any TensorSource, outputPath: String, rules: SelectionRules, layout: OutputLayout,
    overwrite: Bool, threads: Int = defaultThreadCount, overrides: [String: TensorOverride] = [:],
    memoryBudget: MemoryBudget = .unlimited, run: OutputRun? = nil, progress: ((QuantizeProgress) -> Void)? = nil
) throws -> QuantizationReport {
    let start = Date()
    let plan: QuantizationPlan
    do {
        plan = try QuantizationPlan(tensors: source.tensors, rules: rules, layout: layout)
    } catch {
        throw FileError(path: source.path, error)
    }
    try memoryBudget.check(plan, path: source.path, overridden: { overrides[$0] != nil })
    let metadata = ArchiveMetadata(tool: QuantKitVersion.toolName, tensors: archiveEntries(plan, layout: layout, overrides: overrides),
                                   layout: layout)
    let output = try AtomicOutput(destination: outputPath, overwrite: overwrite, inputs: [source.path], run: run)
    defer { output.discard() }
    let writer = try tensorWriter(for: layout, output: output, displayPath: outputPath, plan: plan, metadata: metadata,
                                  threads: threads)
    // Only the tensors read whole go through the prefetcher; the rest are copied in pieces.
    let whole = plan.steps.filter { $0.scheme != nil || overrides[$0.tensor.name] != nil }.map(\.tensor)
    let reader = TensorPrefetcher(source: source, tensors: whole, threads: threads, memoryBudget: memoryBudget)
    var wholeRead = 0

    var lines: [QuantizationReport.TensorLine] = []
    var bytesDone = 0
    for (position, step) in plan.steps.enumerated() {
        progress?(QuantizeProgress(tensor: step.tensor.name, index: position, count: plan.steps.count, bytesDone: bytesDone))
        bytesDone += step.tensor.storedByteCount
        guard step.scheme != nil || overrides[step.tensor.name] != nil else {
            lines.append(try copyKept(step, from: source, layout: layout, writer: writer))
            continue
        }
        let (info, bytes) = try reader.read(wholeRead)
        wholeRead += 1
        if let override = overrides[info.name] {
            lines.append(try writeOverride(override, info: info, original: bytes, scheme: step.scheme, layout: layout, writer: writer,
                                           source: source.path))
            continue
        }
        // Not overridden, so not passthrough either: the plan chose a scheme.
        let scheme = step.scheme!
        let quantized = try quantizeStreaming(bytes, info: info, scheme: scheme, layout: layout, threads: threads,
                                              source: source.path, writer: writer)
        let stored = layout.members(of: info, scheme: scheme).reduce(0) { $0 + $1.storedByteCount }
        lines.append(.init(name: info.name, shape: info.shape, dtype: info.dtype.rawValue, scheme: scheme.name,
                           bits: scheme.bits, axis: quantized.axis, bytesBefore: bytes.count, bytesAfter: stored,
                           mse: quantized.metrics?.mse, maxAbsError: quantized.metrics?.maxAbsError,
                           sqnrDB: quantized.metrics?.sqnrDB,
                           sqnrGainDB: quantized.clippingGainDB))
    }
    if case .npz = layout {
        let encoded = metadata.encoded()
        try writer.add(name: ArchiveLayout.metadataName, tensor: try! Tensor(dtype: .uint8, shape: [encoded.count], bytes: encoded))
    }
    try writer.finish()
    try output.commit()
    return QuantizationReport(input: source.path, output: outputPath, tensors: lines,
                              elapsedSeconds: Date().timeIntervalSince(start),
                              notes: PlanNote.notes(for: plan, layout: layout, roles: rules.moduleRoles).map(\.description))
}

/// The metadata entry of every tensor `plan` quantizes (a whole-network method's name and
/// outlier count from `overrides`).
func archiveEntries(_ plan: QuantizationPlan, layout: OutputLayout, overrides: [String: TensorOverride]) -> [ArchiveMetadata.Entry] {
    plan.steps.compactMap { step in
        step.scheme.map { scheme in
            ArchiveMetadata.Entry(name: step.tensor.name, scheme: scheme,
                                  axis: (try? scheme.granularity.resolvedAxis(rank: step.tensor.shape.count)) ?? nil,
                                  shape: step.tensor.shape, originalDType: step.tensor.dtype,
                                  packed: layout.packsCodesIntoBytes(bits: scheme.bits),
                                  method: overrides[step.tensor.name]?.method,
                                  outlierColumns: overrides[step.tensor.name]?.outliers?.columns.count)
        }
    }
}

/// The writer `layout` needs, writing to `output`'s temporary file: an `.npz` appends members
/// as they come; safetensors needs every tensor's size up front (`plan.outputTensors`).
func tensorWriter(for layout: OutputLayout, output: AtomicOutput, displayPath: String, plan: QuantizationPlan,
                  metadata: ArchiveMetadata, threads: Int) throws -> any TensorFileWriter {
    switch layout {
    case .npz(let compressed):
        try NPZWriter(path: output.temporaryPath, displayPath: displayPath, compressed: compressed, threads: threads)
    case .compressedTensors:
        try SafetensorsWriter(path: output.temporaryPath, displayPath: displayPath, tensors: plan.outputTensors,
                              metadata: metadata.safetensorsMetadata)
    }
}

/// Copies the kept tensor of `step` from `source` to `writer` in pieces of
/// `MemoryCost.pieceSize`, and returns its report line (with why it stayed in float).
func copyKept(_ step: QuantizationPlan.Step, from source: any TensorSource, layout: OutputLayout,
              writer: any TensorFileWriter) throws -> QuantizationReport.TensorLine {
    let info = step.tensor
    try writer.add(name: info.name, dtype: info.dtype, shape: info.shape) { write in
        try source.copy(info.name, pieceSize: MemoryCost.pieceSize) { try write($0) }
    }
    let stored = info.storedByteCount / info.dtype.byteSize * layout.storedDType(info.dtype).byteSize
    return .init(name: info.name, shape: info.shape, dtype: info.dtype.rawValue, scheme: "none",
                 bits: nil, axis: nil, bytesBefore: info.storedByteCount, bytesAfter: stored,
                 mse: nil, maxAbsError: nil, sqnrDB: nil, keptBecause: step.keptRole?.description)
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
/// its members in `layout` to `writer`: the codes as they are produced (in batches of the
/// writer's preferred size, encoded by `CodeEncoder`), then the scales and zero points (and the
/// shape, in `pack-quantized`). Float32 data is used where it lies; other float types are
/// converted first. In the compressed-tensors layout the scales are rounded to the weight's
/// own float type before the codes are computed (`ScaleStorage`).
/// NaN and infinity are refused as `NonFiniteValue` before anything is written.
func quantizeStreaming(_ bytes: UnsafeRawBufferPointer, info: TensorInfo, scheme: QuantScheme, layout: OutputLayout,
                       threads: Int, source: String, writer: any TensorFileWriter)
    throws -> QuantizedParameters {
    let members = layout.members(of: info, scheme: scheme)
    var scaleStorage = DType.float32
    if case .compressedTensors = layout, info.dtype == .float16 || info.dtype == .bfloat16 { scaleStorage = info.dtype }
    func run(_ floats: UnsafeRawBufferPointer) throws -> QuantizedParameters {
        var result: QuantizedParameters?
        let encoder = CodeEncoder(layout: layout, scheme: scheme, shape: info.shape)
        try writer.add(name: members[0].name, dtype: members[0].dtype, shape: members[0].shape) { write in
            do {
                result = try quantizeFloat32(floats, shape: info.shape, scheme: scheme, measure: true, threads: threads,
                                             scaleStorage: scaleStorage, batchBytes: writer.preferredWriteSize) {
                    try encoder.encode($0, write)
                }
            } catch let error as NonFiniteElement {
                throw FileError(path: source, member: info.name, NonFiniteValue(
                    index: multiIndex(ofFlat: error.index, in: info.shape),
                    value: floats.loadUnaligned(fromByteOffset: 4 * error.index, as: Float.self), storedDType: info.dtype))
            } catch let error as QuantizationError {
                throw FileError(path: source, member: info.name, error)
            }
        }
        let done = result!
        let auxiliary = layout.auxiliaryTensors(of: info, scheme: scheme, axis: done.axis, scales: done.scales,
                                                zeroPoints: done.zeroPoints)
        for (member, tensor) in zip(members.dropFirst(), auxiliary) {
            try writer.add(name: member.name, tensor: tensor)
        }
        return done
    }
    guard info.dtype != .float32 else { return try run(bytes) }
    let converted = ScratchBuffer()
    let floats = try converted.prepare(count: bytes.count / info.dtype.byteSize * 4)
    do {
        try widenToFloat32(bytes, dtype: info.dtype, into: floats)
    } catch {
        throw FileError(path: source, member: info.name, error)
    }
    return try run(UnsafeRawBufferPointer(floats))
}

/// Writes `override` for the tensor `info` (whose stored data is `original`) in `layout`: a
/// quantized tensor's encoded codes and auxiliary members, or the new float values in the
/// tensor's dtype (a tensor a method quantizes when read is quantized from its float32 values
/// first; errors name `source`); returns its report line, the error measured
/// against `original`.
func writeOverride(_ override: TensorOverride, info: TensorInfo, original: UnsafeRawBufferPointer, scheme: QuantScheme?,
                   layout: OutputLayout, writer: any TensorFileWriter, source: String) throws -> QuantizationReport.TensorLine {
    let values = try Tensor(dtype: info.dtype, shape: info.shape, bytes: Array(original)).floatValues()!
    switch override {
    case .quantizedWhenRead(let method, let methodScheme):
        let quantized = try TensorOverride.quantize(values, info: info, scheme: methodScheme, by: method, source: source)
        return try writeOverride(.quantized(quantized, method: method.name), info: info, original: original, scheme: scheme,
                                 layout: layout, writer: writer, source: source)
    case .float(let replacement):
        let tensor = Tensor(shape: info.shape, values: replacement, storedAs: layout.storedDType(info.dtype))
        try writer.add(name: info.name, tensor: tensor)
        let metrics = ErrorMetrics(original: values, reconstructed: replacement)
        return .init(name: info.name, shape: info.shape, dtype: info.dtype.rawValue, scheme: "none", bits: nil, axis: nil,
                     bytesBefore: original.count, bytesAfter: tensor.bytes.count, mse: metrics.mse,
                     maxAbsError: metrics.maxAbsError, sqnrDB: metrics.sqnrDB)
    case .quantized(let quantized, _):
        let members = layout.members(of: info, scheme: quantized.scheme)
        let encoder = CodeEncoder(layout: layout, scheme: quantized.scheme, shape: info.shape)
        try writer.add(name: members[0].name, dtype: members[0].dtype, shape: members[0].shape) { write in
            try quantized.codes.withUnsafeBytes { try encoder.encode($0, write) }
            try encoder.encode(UnsafeRawBufferPointer(start: nil, count: 0), write)
        }
        let auxiliary = layout.auxiliaryTensors(of: info, scheme: quantized.scheme, axis: quantized.axis,
                                                scales: quantized.scales, zeroPoints: quantized.zeroPoints)
        for (member, tensor) in zip(members.dropFirst(), auxiliary) {
            try writer.add(name: member.name, tensor: tensor)
        }
        var outlierBytes = 0
        if let outliers = quantized.outliers {
            let columns = Tensor(dtype: .int32, shape: [outliers.columns.count], integers: outliers.columns.map(Int32.init))
            let kept = Tensor(shape: [info.shape[0], outliers.columns.count], values: outliers.values, storedAs: .float16)
            try writer.add(name: ArchiveLayout.outlierColumnsName(for: info.name), tensor: columns)
            try writer.add(name: ArchiveLayout.outliersName(for: info.name), tensor: kept)
            outlierBytes = outliers.storedByteCount
        }
        let metrics = ErrorMetrics(original: values, reconstructed: quantized.dequantized())
        return .init(name: info.name, shape: info.shape, dtype: info.dtype.rawValue, scheme: quantized.scheme.name,
                     bits: quantized.scheme.bits, axis: quantized.axis, bytesBefore: original.count,
                     bytesAfter: members.reduce(0) { $0 + $1.storedByteCount } + outlierBytes, mse: metrics.mse,
                     maxAbsError: metrics.maxAbsError, sqnrDB: metrics.sqnrDB)
    }
}

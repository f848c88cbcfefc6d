import Foundation

/// Quantizes every tensor of `source` that `rules` select and writes the result to
/// `outputPath` in `layout` (its `.npz` members deflated when `compress`), one tensor at a
/// time (memory follows the largest quantized tensor, not the file; two tensors for compressed
/// inputs, see `TensorPrefetcher`). Tensors kept as they are are copied in pieces of
/// `MemoryCost.pieceSize`, whatever their size.
///
/// The plan, and every tensor's cost against `memoryBudget` (`MemoryCost`), are checked before
/// any data is written. The output appears only when every tensor has been written; on any
/// error the temporary file is removed and the error, wrapped in a `FileError` naming the
/// input and tensor, is rethrown.
/// - Parameters:
///   - method: the method choosing the codes, run on the plan (`methodOverrides`); round to
///     nearest by default, which streams.
///   - run: where the committed output is recorded (see `OutputRun`), for a caller that writes
///     several files and removes them all if one fails.
///   - progress: called before each tensor and once after the last (for a terminal's progress bar).
public func quantizeFile(
    source: any TensorSource, outputPath: String, rules: SelectionRules, layout: any QuantizedLayout,
    compress: Bool = false, overwrite: Bool, threads: Int = defaultThreadCount, method: MethodRun = MethodRun(),
    memoryBudget: MemoryBudget = .unlimited, run: OutputRun? = nil, progress: ((QuantizeProgress) -> Void)? = nil
) throws -> QuantizationReport {
    let plan = try QuantizationPlan(of: source, rules: rules, layout: layout)
    let output = try methodOverrides(sources: [source], plans: [plan], run: method, layout: layout, memoryBudget: memoryBudget)
    try memoryBudget.check(plan, path: source.path, overridden: { output.overrides[$0] != nil })
    return try quantizePlanned(plan, source: source, outputPath: outputPath, roles: rules.moduleRoles, layout: layout,
                               compress: compress, overwrite: overwrite, threads: threads, method: output,
                               memoryBudget: memoryBudget, run: run, progress: progress)
}

/// `quantizeFile` for a `plan` of `source` already made and checked against `memoryBudget`.
func quantizePlanned(
    _ plan: QuantizationPlan, source: any TensorSource, outputPath: String, roles: ModuleRoles?, layout: any QuantizedLayout,
    compress: Bool, overwrite: Bool, threads: Int, method: MethodOutput, memoryBudget: MemoryBudget,
    run: OutputRun?, progress: ((QuantizeProgress) -> Void)?
) throws -> QuantizationReport {
    let start = Date()
    let metadata = ArchiveMetadata(tool: QuantKitVersion.toolName, tensors: archiveEntries(plan, layout: layout, overrides: method.overrides),
                                   layout: layout)
    let output = try AtomicOutput(destination: outputPath, overwrite: overwrite, inputs: [source.path], run: run)
    defer { output.discard() }
    let writer = try layout.fileFormat.makeWriter(path: output.temporaryPath, displayPath: outputPath,
                                                  tensors: plan.outputTensors, record: metadata, compressed: compress,
                                                  threads: threads)
    var steps = StepWriter(source: source, layout: layout, writer: writer, method: method, threads: threads,
                           reader: TensorPrefetcher(source: source, tensors: StepWriter.readWhole(plan, method: method),
                                                    threads: threads, memoryBudget: memoryBudget))
    var lines: [QuantizationReport.TensorLine] = []
    var bytesDone = 0
    let bytesTotal = plan.tensorBytes
    for (position, step) in plan.steps.enumerated() {
        progress?(QuantizeProgress(tensor: step.tensor.name, index: position, count: plan.steps.count, bytesDone: bytesDone,
                                   bytesTotal: bytesTotal))
        bytesDone += step.tensor.storedByteCount
        lines.append(try steps.write(step))
    }
    progress?(QuantizeProgress(tensor: nil, index: plan.steps.count, count: plan.steps.count, bytesDone: bytesDone,
                               bytesTotal: bytesTotal))
    try writer.finish()
    try output.commit()
    return QuantizationReport(input: source.path, output: outputPath, tensors: lines,
                              elapsedSeconds: Date().timeIntervalSince(start),
                              notes: plan.notes(layout: layout, roles: roles).map(\.description) + method.notes)
}

/// Writes the steps of a plan, in order, to a file's `writer`: each kept tensor copied, each
/// tensor the method chose for written as it chose (measured against the values it read, or
/// else read and converted here, once), each other quantized as it streams; tensors read whole
/// come from `reader`, in the order of the steps that read them (`readWhole`).
struct StepWriter {
    let source: any TensorSource
    let layout: any QuantizedLayout
    let writer: any TensorFileWriter
    let method: MethodOutput
    let threads: Int
    let reader: TensorPrefetcher
    private var wholeRead = 0

    init(source: any TensorSource, layout: any QuantizedLayout, writer: any TensorFileWriter, method: MethodOutput,
         threads: Int, reader: TensorPrefetcher) {
        (self.source, self.layout, self.writer, self.method, self.threads, self.reader) =
            (source, layout, writer, method, threads, reader)
    }

    /// The tensors of `plan` read whole: those quantized here, and those overridden whose
    /// values the method did not read already; the rest are copied in pieces.
    static func readWhole(_ plan: QuantizationPlan, method: MethodOutput) -> [TensorInfo] {
        plan.steps.filter { step in
            let name = step.tensor.name
            return method.overrides[name] == nil ? step.scheme != nil : method.originals[name] == nil
        }.map(\.tensor)
    }

    /// Writes `step`'s members and returns its report line.
    mutating func write(_ step: QuantizationPlan.Step) throws -> QuantizationReport.TensorLine {
        let override = method.overrides[step.tensor.name]
        guard let scheme = step.scheme, override == nil else {
            guard let override else { return try copyKept(step, from: source, layout: layout, writer: writer) }
            if let values = method.originals[step.tensor.name] {
                return try writeOverride(override, info: step.tensor, values: values, members: step.members, layout: layout,
                                         writer: writer, source: source.path)
            }
            let (info, bytes, check) = try nextWhole()
            try check?.check(bytes)
            let values = try Tensor(dtype: info.dtype, shape: info.shape, bytes: Array(bytes)).floatValues()!
            return try writeOverride(override, info: info, values: values, members: step.members, layout: layout,
                                     writer: writer, source: source.path)
        }
        let (info, bytes, check) = try nextWhole()
        let quantized = try quantizeStreaming(bytes, info: info, scheme: scheme, layout: layout, members: step.members,
                                              threads: threads, source: source.path, writer: writer, check: check)
        return .init(name: info.name, shape: info.shape, dtype: info.dtype.rawValue, scheme: scheme.label,
                     bits: scheme.bits, axis: quantized.axis, bytesBefore: bytes.count,
                     bytesAfter: step.storedByteCount, mse: quantized.metrics?.mse,
                     maxAbsError: quantized.metrics?.maxAbsError, sqnrDB: quantized.metrics?.sqnrDB,
                     sqnrGainDB: quantized.clippingGainDB)
    }

    private mutating func nextWhole() throws -> TensorPrefetcher.Read {
        defer { wholeRead += 1 }
        return try reader.read(wholeRead)
    }
}

/// The metadata entry of every tensor `plan` quantizes (a whole-network method's name and
/// outlier count from `overrides`).
func archiveEntries(_ plan: QuantizationPlan, layout: any QuantizedLayout, overrides: [String: TensorOverride]) -> [ArchiveMetadata.Entry] {
    plan.steps.compactMap { step in
        step.scheme.map { scheme in
            ArchiveMetadata.Entry(name: step.tensor.name, scheme: scheme,
                                  axis: (try? scheme.granularity.resolvedAxis(rank: step.tensor.shape.count)) ?? nil,
                                  shape: step.tensor.shape, originalDType: step.tensor.dtype,
                                  packing: layout.packing(bits: scheme.bits),
                                  method: overrides[step.tensor.name]?.method,
                                  outlierColumns: overrides[step.tensor.name]?.outliers?.columns.count)
        }
    }
}

/// Copies the kept tensor of `step` from `source` to `writer` in pieces of
/// `MemoryCost.pieceSize`, and returns its report line (with why it stayed in float).
func copyKept(_ step: QuantizationPlan.Step, from source: any TensorSource, layout: any QuantizedLayout,
              writer: any TensorFileWriter) throws -> QuantizationReport.TensorLine {
    let info = step.tensor
    try writer.add(name: info.name, dtype: info.dtype, shape: info.shape) { write in
        try source.copy(info.name, pieceSize: MemoryCost.pieceSize) { try write($0) }
    }
    let stored = info.storedByteCount / info.dtype.byteSize * layout.fileFormat.storedDType(info.dtype).byteSize
    return .init(name: info.name, shape: info.shape, dtype: info.dtype.rawValue, scheme: "none",
                 bits: nil, axis: nil, bytesBefore: info.storedByteCount, bytesAfter: stored,
                 mse: nil, maxAbsError: nil, sqnrDB: nil, keptBecause: step.keptRole?.description)
}

/// Where a `quantizeFile` run is: about to read tensor `index` (named `tensor`) of `count`,
/// after `bytesDone` of the file's `bytesTotal` bytes of tensor data; `tensor` is nil and
/// `index == count` once every tensor is written.
public struct QuantizeProgress: Sendable {
    public let tensor: String?
    public let index: Int
    public let count: Int
    public let bytesDone: Int
    public let bytesTotal: Int
}

extension QuantizationPlan {
    /// The bytes of tensor data of every step, as stored in the input.
    var tensorBytes: Int { steps.reduce(0) { $0 + $1.tensor.storedByteCount } }
}

/// Quantizes the floating tensor `info` whose C-order little-endian data is `bytes` and writes
/// its members in `layout` to `writer`: the codes as they are produced (in batches of the
/// writer's preferred size, encoded by the layout's `CodeEncoding`, which gets the scales and
/// zero points first), then the auxiliary members. Float32 data is used where it lies; other
/// float types are converted first. The scales are rounded to the layout's `scaleStorage`
/// (the scheme's `scaleDType`, when it has one) before any code is computed. NaN and infinity
/// are refused as `NonFiniteValue` (the codes written before are in a member the error leaves
/// unfinished).
///
/// A `check` of the bytes left by the source (`DeferredCheck`) is made as float32 data is
/// quantized, each piece while it is in cache, and before anything else for other types; on
/// an error it is made first over all the bytes, so that damaged data is reported as such.
func quantizeStreaming(_ bytes: UnsafeRawBufferPointer, info: TensorInfo, scheme: QuantScheme, layout: any QuantizedLayout,
                       members: [TensorInfo], threads: Int, source: String, writer: any TensorFileWriter,
                       check: (any DeferredCheck)? = nil) throws -> QuantizedParameters {
    func run(_ floats: UnsafeRawBufferPointer, check: (any DeferredCheck)?) throws -> QuantizedParameters {
        let encoder = layout.codeEncoder(for: info, scheme: scheme)
        let done: QuantizedParameters
        do {
            done = try quantizeFloat32(floats, shape: info.shape, scheme: scheme, measure: true, threads: threads,
                                         scaleStorage: layout.scaleStorage(for: info.dtype, scheme: scheme),
                                         batchBytes: writer.preferredWriteSize, encoder: encoder, inputCheck: check,
                                         sink: .member(members[0], of: writer))
        } catch {
            try check?.check(floats)
            throw located(error, floats: floats)
        }
        try check?.finish()
        try writeAuxiliary(of: info, scheme: scheme, axis: done.axis, scales: done.scales, zeroPoints: done.zeroPoints,
                           members: members, layout: layout, writer: writer)
        return done
    }
    /// `error` naming the file and tensor.
    func located(_ error: any Error, floats: UnsafeRawBufferPointer) -> any Error {
        switch error {
        case let error as NonFiniteElement:
            FileError(path: source, member: info.name, NonFiniteValue(
                index: multiIndex(ofFlat: error.index, in: info.shape),
                value: floats.loadUnaligned(fromByteOffset: 4 * error.index, as: Float.self), storedDType: info.dtype))
        case let error as QuantizationError: FileError(path: source, member: info.name, error)
        default: error
        }
    }
    guard info.dtype != .float32 else { return try run(bytes, check: check) }
    try check?.check(bytes)
    let converted = ScratchBuffer()
    let floats = try converted.prepare(count: bytes.count / info.dtype.byteSize * 4)
    do {
        try widenToFloat32(bytes, dtype: info.dtype, into: floats)
    } catch {
        throw FileError(path: source, member: info.name, error)
    }
    return try run(UnsafeRawBufferPointer(floats), check: nil)
}

/// Writes the members of `info` after its codes (`QuantizedLayout.auxiliaryTensors`).
func writeAuxiliary(of info: TensorInfo, scheme: QuantScheme, axis: Int?, scales: [Float], zeroPoints: [Int32],
                    members: [TensorInfo], layout: any QuantizedLayout, writer: any TensorFileWriter) throws {
    let auxiliary = layout.auxiliaryTensors(of: info, scheme: scheme, axis: axis, scales: scales, zeroPoints: zeroPoints)
    for (member, tensor) in zip(members.dropFirst(), auxiliary) {
        try writer.add(name: member.name, tensor: tensor)
    }
}

/// Writes `override` for the tensor `info` (whose float32 values are `values`, and whose output
/// is `members`) in `layout`: a quantized tensor's encoded codes and auxiliary members, or the
/// new float values in the tensor's dtype (a tensor a method quantizes when read is quantized
/// from `values` first; errors name `source`); returns its report line, the error measured
/// against `values`.
func writeOverride(_ override: TensorOverride, info: TensorInfo, values: [Float], members: [TensorInfo],
                   layout: any QuantizedLayout, writer: any TensorFileWriter, source: String) throws -> QuantizationReport.TensorLine {
    switch override {
    case .quantizedWhenRead(let method, let methodScheme):
        let quantized = try TensorOverride.quantize(values, info: info, scheme: methodScheme, by: method, source: source)
        return try writeOverride(.quantized(quantized, method: method.name), info: info, values: values, members: members,
                                 layout: layout, writer: writer, source: source)
    case .float(let replacement):
        let tensor = Tensor(shape: info.shape, values: replacement, storedAs: layout.fileFormat.storedDType(info.dtype))
        try writer.add(name: info.name, tensor: tensor)
        let metrics = ErrorMetrics(original: values, reconstructed: replacement)
        return .init(name: info.name, shape: info.shape, dtype: info.dtype.rawValue, scheme: "none", bits: nil, axis: nil,
                     bytesBefore: info.storedByteCount, bytesAfter: tensor.bytes.count, mse: metrics.mse,
                     maxAbsError: metrics.maxAbsError, sqnrDB: metrics.sqnrDB)
    case .quantized(let quantized, _):
        try writeQuantized(quantized, info: info, members: members, layout: layout, writer: writer)
        let metrics = ErrorMetrics(original: values, reconstructed: quantized.dequantized())
        return .init(name: info.name, shape: info.shape, dtype: info.dtype.rawValue, scheme: quantized.scheme.label,
                     bits: quantized.scheme.bits, axis: quantized.axis, bytesBefore: info.storedByteCount,
                     bytesAfter: members.reduce(0) { $0 + $1.storedByteCount } + (quantized.outliers?.storedByteCount ?? 0),
                     mse: metrics.mse, maxAbsError: metrics.maxAbsError, sqnrDB: metrics.sqnrDB)
    }
}

/// Writes `quantized`, the tensor `info`, as its `members` in `layout`: the codes through the
/// layout's encoder, the auxiliary members, then any float16 outlier columns.
func writeQuantized(_ quantized: QuantizedTensor, info: TensorInfo, members: [TensorInfo], layout: any QuantizedLayout,
                    writer: any TensorFileWriter) throws {
    let encoder = layout.codeEncoder(for: info, scheme: quantized.scheme)
    encoder.start(scales: quantized.scales, zeroPoints: quantized.zeroPoints)
    try writer.add(name: members[0].name, dtype: members[0].dtype, shape: members[0].shape) { write in
        try quantized.codes.withUnsafeBytes { try encoder.encode($0, write) }
        try encoder.encode(UnsafeRawBufferPointer(start: nil, count: 0), write)
    }
    try writeAuxiliary(of: info, scheme: quantized.scheme, axis: quantized.axis, scales: quantized.scales,
                       zeroPoints: quantized.zeroPoints, members: members, layout: layout, writer: writer)
    if let outliers = quantized.outliers {
        let columns = Tensor(dtype: .int32, shape: [outliers.columns.count], integers: outliers.columns.map(Int32.init))
        let kept = Tensor(shape: [info.shape[0], outliers.columns.count], values: outliers.values, storedAs: .float16)
        try writer.add(name: NPZLayout.outlierColumnsName(for: info.name), tensor: columns)
        try writer.add(name: NPZLayout.outliersName(for: info.name), tensor: kept)
    }
}

import Foundation

/// A tensor that holds a NaN or an infinity at flat index `index`.
struct NonFiniteElement: Error {
    let index: Int
}

/// Quantizes the `elementCount(shape)` float32 values at `values` (native byte order, any
/// alignment) under `scheme`, with `threads` threads, into a `QuantizedTensor`, its scales
/// rounded to the scheme's `scaleDType` (float32 without one); see the streaming variant.
func quantizeFloat32(
    _ values: UnsafeRawBufferPointer, shape: [Int], scheme: QuantScheme, measure: Bool,
    threads: Int = defaultThreadCount
) throws -> (tensor: QuantizedTensor, metrics: ErrorMetrics?) {
    var codes: [UInt8] = []
    codes.reserveCapacity(values.count / 4)
    let result = try quantizeFloat32(values, shape: shape, scheme: scheme, measure: measure, threads: threads,
                                     scaleStorage: scheme.scaleDType ?? .float32, batchBytes: .max) { codes.append(contentsOf: $0) }
    let tensor = QuantizedTensor(scheme: scheme, shape: shape, codes: codes, scales: result.scales,
                                 zeroPoints: result.zeroPoints, axis: result.axis)
    return (tensor, result.metrics)
}

/// `quantizeFloat32(_:shape:scheme:measure:threads:scaleStorage:batchBytes:encoder:inputCheck:sink:)`
/// streaming the codes to `write`, batch by batch in flat order, then an empty batch.
func quantizeFloat32(
    _ values: UnsafeRawBufferPointer, shape: [Int], scheme: QuantScheme, measure: Bool, threads: Int,
    scaleStorage: DType = .float32, batchBytes: Int, encoder: any CodeEncoding = UnchangedCodes(),
    inputCheck: (any DeferredCheck)? = nil, write: (UnsafeRawBufferPointer) throws(FileError) -> Void
) throws -> QuantizedParameters {
    try withoutActuallyEscaping(write) { write in
        try quantizeFloat32(values, shape: shape, scheme: scheme, measure: measure, threads: threads,
                            scaleStorage: scaleStorage, batchBytes: batchBytes, encoder: encoder, inputCheck: inputCheck,
                            sink: .stream(write))
    }
}

/// Quantizes the `elementCount(shape)` float32 values at `values` (native byte order, any
/// alignment) under `scheme`, with `threads` threads, handing the codes, as `encoder` stores
/// them, to `sink`. Streamed, they go to its `write` in flat order in batches of about
/// `batchBytes` codes (so that a large tensor's codes never sit in memory whole), then an empty
/// batch; two batch buffers alternate, so `write` may keep using a batch (writing it in the
/// background) until its next call, and must be done with every batch when the empty one
/// arrives.
///
/// Where the encoder packs rows on its own (`CodeEncoding.rowPacking`) and the pieces start
/// on its words, each piece is packed by the thread that quantized it, and, where the sink can
/// place pieces, written by that thread at its offset (`QuantizationRun.writePlaced`): no
/// batch waits for its slowest piece and no writer thread takes a core; and where each scale
/// covers a contiguous run (`TensorQuantizer.quantizesInOnePass`), ranges, scales and codes
/// come from one pass over memory. Otherwise the ranges (and any clipping search) come
/// first, the encoder gets the scales (`start`), and then the codes. Scales are rounded to
/// `scaleStorage` (float16, bfloat16) before any code is computed, when the output stores
/// them in that type (the scheme's `scaleDType` when it has one, which callers pass:
/// `QuantizedLayout.scaleStorage(for:scheme:)`). Each channel's scale is the full symmetric
/// range's or the min-max math's (`scaleParameters`). Every byte of `values` is handed to `inputCheck` once, each piece in the
/// first pass over it (the caller then calls `finish`).
///
/// Returns the scales, zero points and resolved axis and, when `measure` is set, the
/// reconstruction error metrics and, with clipping, its SQNR gain in dB over min-max scales.
/// Throws `NonFiniteElement` for NaN or infinity (naming the first in flat order; batches
/// before it may have been written) and `QuantizationError` for a bad axis or a full range the
/// scheme cannot take.
func quantizeFloat32(
    _ values: UnsafeRawBufferPointer, shape: [Int], scheme: QuantScheme, measure: Bool, threads: Int,
    scaleStorage: DType = .float32, batchBytes: Int, encoder: any CodeEncoding = UnchangedCodes(),
    inputCheck: (any DeferredCheck)? = nil, sink: CodeSink
) throws -> QuantizedParameters {
    precondition(QuantScheme.bitRange.contains(scheme.bits), "bits must be in 2...8, got \(scheme.bits)")
    let count = try elementCount(of: shape)
    guard values.count == 4 * count else { throw QuantizationError.valueCountMismatch(count: values.count / 4, shape: shape) }
    let axis = try scheme.granularity.resolvedAxis(rank: shape.count)
    if let conflict = scheme.fullRangeConflict { throw QuantizationError.fullRangeConflict(conflict) }
    var quantizer = TensorQuantizer(blocks: try scheme.heldBlocks(shape: shape), scheme: scheme,
                                    threads: threads, arithmetic: scaleStorage)
    quantizer.blockGrid = BlockGrid(scheme: scheme, shape: shape)
    var run = QuantizationRun(values: values, quantizer: quantizer, encoder: encoder, measure: measure, check: inputCheck)
    if !run.onePass { try run.computeParameters() }
    let placed = try run.packing != nil && sink.place { try run.writePlaced(into: $0, batchBytes: batchBytes) }
    if !placed { try sink.stream { try run.writeBatches(batchBytes: batchBytes, $0) } }
    let zeroPoints = scheme.symmetric ? [] : run.zeroPoints.map { Int32($0) }
    // The clipping's gain over min-max scales: both squared errors over the same signal.
    let gain = run.minmaxNoise.map { 10 * log10($0 / run.sums.noise) }
    return QuantizedParameters(scales: run.scales, zeroPoints: zeroPoints, axis: axis,
                               metrics: measure ? ErrorMetrics(sums: run.sums, count: count) : nil,
                               clippingGainDB: measure ? gain : nil)
}

/// What quantizing one tensor chose besides its codes: the scales and zero points (unsigned,
/// empty when symmetric), the resolved channel axis, and, when measured, the reconstruction
/// error and a clipping search's SQNR gain over min-max scales in dB.
struct QuantizedParameters {
    var scales: [Float]
    var zeroPoints: [Int32]
    var axis: Int?
    var metrics: ErrorMetrics?
    var clippingGainDB: Double?
}

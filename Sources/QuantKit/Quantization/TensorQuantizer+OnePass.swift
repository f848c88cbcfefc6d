import CKernels

/// Quantization in one pass over memory, for schemes whose scales each cover one contiguous
/// run of at most `pieceLength` elements (per-channel scales over the first axis, group-wise
/// scales, a small tensor's one scale) under the reference rule with min-max ranges and integer codes: each run's
/// range, parameters and codes are computed while the run is in cache (`ck_quantize_runs`),
/// instead of a pass for every range and another for every code. The results are those of the
/// two passes: the same range fold, the same parameters (`parameters(min:max:scheme:storage:)`
/// and, for the full symmetric range, `fullRangeExtreme` and `fullRangeScale`, which the C rule
/// copies), the same codes; only the error sums are added in another order.
extension TensorQuantizer {
    /// Whether this tensor and scheme can be quantized in one pass.
    var quantizesInOnePass: Bool {
        blocks.outer == 1 && (1 ... Self.pieceLength).contains(blocks.inner) && !interleaved && scheme.scaleRule == .reference
            && scheme.clipping == .minmax && scheme.floatFormat == nil
    }

    /// The C form of the scheme's rule, scales rounded to `arithmetic` (the storage type).
    private var runRule: ck_run_rule {
        let storage: Int32 = switch arithmetic {
        case .float16: Int32(CK_STORAGE_FLOAT16)
        case .bfloat16: Int32(CK_STORAGE_BFLOAT16)
        default: Int32(CK_STORAGE_FLOAT32)
        }
        return ck_run_rule(bits: Int32(scheme.bits), symmetric: scheme.symmetric ? 1 : 0,
                           full_range: scheme.symmetricRange == .full ? 1 : 0, storage: storage)
    }

    /// Quantizes `pieces` (of a tensor that `quantizesInOnePass`) to `output`, writing the
    /// scale and zero point of each run (channel) they hold to `scales` and `zeroPoints`;
    /// returns their error sums (zero unless `measure`), or nil when a value is NaN or infinite.
    /// Each piece's bytes go to `check` first, while the thread brings them into cache.
    func quantizeInOnePass(_ values: UnsafeRawPointer, _ pieces: ArraySlice<Piece>, scales: UnsafeMutablePointer<Float>,
                           zeroPoints: UnsafeMutablePointer<Float>, into output: BatchOutput, measure: Bool,
                           check: (any DeferredCheck)?) -> ErrorSums? {
        var sums = [ErrorSums?](repeating: nil, count: pieces.count)
        sums.withUnsafeMutableBufferPointer { sums in
            parallelFor(pieces.count, threads: threads) { index in
                let piece = pieces[pieces.startIndex + index]
                check?.absorb(UnsafeRawBufferPointer(start: values + 4 * piece.start, count: 4 * piece.count),
                              at: 4 * piece.start)
                var rule = runRule
                var badRun = -1
                var total = ck_error_sums()
                output.write(start: piece.start, count: piece.count) { codes in
                    total = ck_quantize_runs(values + 4 * piece.start, piece.rows, piece.rowLength, &rule,
                                             scales + piece.channel, zeroPoints + piece.channel, codes, measure ? 1 : 0,
                                             &badRun)
                }
                guard badRun < 0 else { return }
                sums[index] = ErrorSums(signal: total.signal, noise: total.noise, absolute: total.absolute,
                                        maxError: total.max_error)
            }
        }
        var result = ErrorSums()
        for piece in sums {
            guard let piece else { return nil }
            result.add(piece)
        }
        return result
    }
}

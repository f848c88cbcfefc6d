/// How the range a scale covers is chosen, per channel or group (or per tensor).
///
/// - `minmax`: the whole range, `[min, max]` widened to contain 0 (the reference math).
/// - `percentile(p)`: clip the outliers: the range ends at the values of nearest rank
///   `k = ceil(p · n / 100)` among the `n` values of the channel: symmetric schemes use the
///   `k`-th smallest `|x|` as `max|x|`; asymmetric ones the `k`-th smallest and `k`-th largest
///   `x` as `max` and `min` (then widened to contain 0). No interpolation, so the choice is exact.
/// - `mse`: search shrink factors `α = (40 - i) / 40`, `i = 0 ... 20` (1 down to 0.5), of the
///   min-max range (`[α · min, α · max]`), and keep the one whose reconstruction has the least
///   squared error `Σ (x - (q - z) · s)²` over the channel; the first (largest α) wins ties.
///   The sum runs in float64 over the channel's elements in C order, so a NumPy reference
///   (`np.cumsum`) picks the same α bit for bit.
///
/// Values beyond a clipped range clamp to the end codes. Clipping trades their larger error for
/// a finer step on every other value; `mse` never does worse than min-max (α = 1 is a
/// candidate), `percentile` can.
public enum Clipping: Sendable, Equatable, Hashable, CustomStringConvertible {
    case minmax
    case percentile(Double)
    case mse

    /// The shrink factors `mse` tries, largest first.
    static let mseGrid: [Float] = (0 ... 20).map { Float(40 - $0) / 40 }

    /// Parses `minmax`, `mse` or `percentile:P` with `0 < P <= 100`.
    public init?(_ text: String) {
        switch text {
        case "minmax": self = .minmax
        case "mse": self = .mse
        default:
            guard text.hasPrefix("percentile:"), let p = Double(text.dropFirst("percentile:".count)), p > 0, p <= 100 else {
                return nil
            }
            self = .percentile(p)
        }
    }

    public var description: String {
        switch self {
        case .minmax: "minmax"
        case .mse: "mse"
        case .percentile(let p): "percentile:\(p)"
        }
    }
}

/// The clipped ranges of every channel of the float32 tensor at `values` (block view
/// `blocks`), from its min-max ranges `mins`/`maxs`, and the squared error min-max scales
/// would give (summed over channels, for the report's gain). Channels run in parallel; every
/// result is independent of the thread count.
func clippedRanges(
    _ values: UnsafeRawPointer, blocks: ChannelBlocks, mins: [Float], maxs: [Float], scheme: QuantScheme,
    scaleStorage: DType, threads: Int
) -> (mins: [Float], maxs: [Float], minmaxNoise: Double) {
    var newMins = mins
    var newMaxs = maxs
    var minmaxNoise = [Double](repeating: 0, count: blocks.channels)
    newMins.withUnsafeMutableBufferPointer { newMins in
        newMaxs.withUnsafeMutableBufferPointer { newMaxs in
            minmaxNoise.withUnsafeMutableBufferPointer { minmaxNoise in
                parallelFor(blocks.channels, threads: threads) { channel in
                    let view = ClippedChannel(values: values, blocks: blocks, channel: channel, scheme: scheme,
                                              scaleStorage: scaleStorage)
                    guard let clipped = view.clippedRange(min: mins[channel], max: maxs[channel]) else { return }
                    (newMins[channel], newMaxs[channel], minmaxNoise[channel]) = clipped
                }
            }
        }
    }
    return (newMins, newMaxs, minmaxNoise.reduce(0, +))
}

/// One channel of a float32 tensor in block layout, and the searches `Clipping` makes over it.
private struct ClippedChannel {
    let values: UnsafeRawPointer
    let blocks: ChannelBlocks
    let channel: Int
    let scheme: QuantScheme
    let scaleStorage: DType

    /// The channel's clipped range under `scheme.clipping`, from its min-max range
    /// `[min, max]`, and the squared error of the min-max range; nil for `minmax`, which
    /// keeps the range and measures nothing.
    func clippedRange(min: Float, max: Float) -> (min: Float, max: Float, minmaxNoise: Double)? {
        switch scheme.clipping {
        case .minmax:
            nil
        case .mse:
            mseRange(min: min, max: max)
        case .percentile(let p):
            percentileRange(p, min: min, max: max)
        }
    }

    /// `mse`: the shrink factor `α` of `Clipping.mseGrid` whose range `[α · min, α · max]` has
    /// the least `squaredError`; the first (largest α) wins ties. α = 1 is the first candidate,
    /// so its error is the min-max one.
    private func mseRange(min: Float, max: Float) -> (min: Float, max: Float, minmaxNoise: Double) {
        var best = (noise: Double.infinity, alpha: Float(1))
        var minmaxNoise = 0.0
        for alpha in Clipping.mseGrid {
            let noise = squaredError(min: alpha * min, max: alpha * max)
            if alpha == 1 { minmaxNoise = noise }
            if noise < best.noise { best = (noise, alpha) }
        }
        return (best.alpha * min, best.alpha * max, minmaxNoise)
    }

    /// `percentile(p)`: the range ending at the nearest-rank values `k = ceil(p · n / 100)`
    /// (clamped to `1 ... n`) of the channel's `n` values: `±(k-th smallest |x|)` for symmetric
    /// schemes, the `k`-th smallest and `k`-th largest `x` widened to contain 0 for asymmetric
    /// ones. An empty channel keeps `[min, max]`.
    private func percentileRange(_ p: Double, min: Float, max: Float) -> (min: Float, max: Float, minmaxNoise: Double) {
        var sorted: [Float] = []
        sorted.reserveCapacity(blocks.outer * blocks.inner)
        forEachValue { sorted.append(scheme.symmetric ? abs($0) : $0) }
        sorted.sort()
        let minmaxNoise = squaredError(min: min, max: max)
        guard !sorted.isEmpty else { return (min, max, minmaxNoise) }
        let rank = Swift.min(Swift.max(Int((p * Double(sorted.count) / 100).rounded(.up)), 1), sorted.count)
        if scheme.symmetric {
            return (-sorted[rank - 1], sorted[rank - 1], minmaxNoise)
        }
        return (Swift.min(sorted[sorted.count - rank], 0), Swift.max(sorted[rank - 1], 0), minmaxNoise)
    }

    /// `Σ (x - (q - z) · s)²` in float64, in C order, for the range `[min, max]`.
    private func squaredError(min: Float, max: Float) -> Double {
        let (scale, zeroPoint) = parameters(min: min, max: max, scheme: scheme, storage: scaleStorage)
        let (qmin, qmax) = (Float(scheme.qmin), Float(scheme.qmax))
        var sum = 0.0
        forEachValue { x in
            let q = Swift.min(Swift.max((x / scale).rounded(.toNearestOrEven) + zeroPoint, qmin), qmax)
            let error = Double(x - (q - zeroPoint) * scale)
            sum += error * error
        }
        return sum
    }

    /// The channel's values in C order: `inner` consecutive values in each of the `outer` slices.
    private func forEachValue(_ body: (Float) -> Void) {
        for outer in 0 ..< blocks.outer {
            let base = (outer * blocks.channels + channel) * blocks.inner
            for i in base ..< base + blocks.inner {
                body(values.loadUnaligned(fromByteOffset: 4 * i, as: Float.self))
            }
        }
    }
}

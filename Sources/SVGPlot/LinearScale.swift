import Foundation

/// A map from a data interval to a pixel interval, with "nice" tick values (1, 2 or 5 times a
/// power of ten apart) that cover the data.
public struct LinearScale: Sendable {
    /// The data interval after widening to whole ticks.
    public let lower: Double
    public let upper: Double
    public let ticks: [Double]
    let pixelStart: Double
    let pixelEnd: Double

    /// A scale over `values` (non-finite ones ignored) drawn from `pixelStart` to `pixelEnd`
    /// (a vertical axis passes them bottom first), with about `tickCount` ticks. `includeZero`
    /// keeps 0 in the interval (bar lengths). No finite value gives the interval [0, 1]; a
    /// single value v gives [v - 1, v + 1] (or [v - |v|/2, v + |v|/2]).
    public init(covering values: [Double], pixelStart: Double, pixelEnd: Double, tickCount: Int = 6,
                includeZero: Bool = false) {
        var finite = values.filter(\.isFinite)
        if includeZero { finite.append(0) }
        var low = finite.min() ?? 0
        var high = finite.max() ?? 1
        if low == high {
            let pad = low == 0 ? 1 : abs(low) / 2
            (low, high) = (low - pad, high + pad)
        }
        let step = Self.niceStep((high - low) / Double(max(tickCount, 2)))
        let first = (low / step).rounded(.down)
        let last = (high / step).rounded(.up)
        lower = first * step
        upper = last * step
        ticks = (0 ... Int(last - first)).map { (first + Double($0)) * step }
        self.pixelStart = pixelStart
        self.pixelEnd = pixelEnd
    }

    /// The pixel coordinate of `value` (clamped to the interval).
    public func pixel(_ value: Double) -> Double {
        let clamped = min(max(value, lower), upper)
        return pixelStart + (clamped - lower) / (upper - lower) * (pixelEnd - pixelStart)
    }

    /// The smallest of 1, 2, 5 (times a power of ten) at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        let power = pow(10, (log10(raw)).rounded(.down))
        for factor in [1.0, 2, 5, 10] where factor * power >= raw * (1 - 1e-9) {
            return factor * power
        }
        return 10 * power
    }

    /// A tick's label: as few decimals as the tick step needs, at most 4 (then in exponent form).
    public func label(_ value: Double) -> String {
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        let decimals = max(0, Int((-log10(step)).rounded(.up)))
        if decimals > 4 || abs(value) >= 1e7 { return String(format: "%.1e", value) }
        let text = String(format: "%.\(decimals)f", value)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }
}

import Foundation
@testable import QuantKit

/// The library's seeded `SplitMix64` with normal samples on top, so every random tensor in
/// these tests is the same on every run.
struct QuantTestRandom: RandomNumberGenerator {
    private var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { generator.next() }

    /// A standard normal sample (Box-Muller in Double, rounded to float32).
    mutating func normal() -> Float {
        let u1 = Double.random(in: Double.ulpOfOne ..< 1, using: &self)
        let u2 = Double.random(in: 0 ..< 1, using: &self)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    mutating func normals(_ count: Int, scale: Float = 1) -> [Float] {
        (0 ..< count).map { _ in normal() * scale }
    }
}

/// PyTorch's default `nn.Linear` initialization: weight and bias uniform in ±1/sqrt(in).
func pytorchLikeLinear(inFeatures: Int, outFeatures: Int, using random: inout QuantTestRandom) -> Linear {
    let bound = 1 / Float(inFeatures).squareRoot()
    let weight = (0 ..< outFeatures * inFeatures).map { _ in Float.random(in: -bound ... bound, using: &random) }
    let bias = (0 ..< outFeatures).map { _ in Float.random(in: -bound ... bound, using: &random) }
    return Linear(weight: weight, bias: bias, outFeatures: outFeatures, inFeatures: inFeatures)
}

/// The plain reference implementation the kernels are checked against: one element at a time,
/// its channel found from its multi-index, the formulas written out as the documentation states.
enum QuantOracle {
    struct Result {
        var codes: [Int]
        var scales: [Float]
        var zeroPoints: [Int]
        var channelOfElement: [Int]
    }

    static func quantize(_ values: [Float], shape: [Int], symmetric: Bool, bits: Int, axis: Int?) -> Result {
        let channelCount = axis.map { shape[$0] } ?? 1
        let channelOfElement = values.indices.map { flat in axis.map { multiIndex(ofFlat: flat, in: shape)[$0] } ?? 0 }
        var lows = [Float](repeating: 0, count: channelCount)
        var highs = [Float](repeating: 0, count: channelCount)
        for (x, c) in zip(values, channelOfElement) {
            lows[c] = min(lows[c], x)
            highs[c] = max(highs[c], x)
        }
        var scales: [Float] = []
        var zeroPoints: [Int] = []
        for c in 0 ..< channelCount {
            if symmetric {
                let scale = max(abs(lows[c]), abs(highs[c])) / Float((1 << (bits - 1)) - 1)
                scales.append(scale == 0 ? 1 : scale)
            } else {
                let levels = Float((1 << bits) - 1)
                var scale = (highs[c] - lows[c]) / levels
                if scale.isInfinite { scale = highs[c] / levels - lows[c] / levels }
                if scale == 0 { scale = 1 }
                scales.append(scale)
                zeroPoints.append(Int(min(max((-lows[c] / scale).rounded(.toNearestOrEven), 0), levels)))
            }
        }
        let qmin = symmetric ? -(1 << (bits - 1)) : 0
        let qmax = symmetric ? (1 << (bits - 1)) - 1 : (1 << bits) - 1
        let codes = zip(values, channelOfElement).map { x, c in
            let zeroPoint = symmetric ? 0 : zeroPoints[c]
            return min(max(Int((x / scales[c]).rounded(.toNearestOrEven)) + zeroPoint, qmin), qmax)
        }
        return Result(codes: codes, scales: scales, zeroPoints: zeroPoints, channelOfElement: channelOfElement)
    }

    /// The full symmetric range (`SymmetricRange.full`) written out plainly: each element's
    /// channel from its multi-index (or group from its flat index), `m` the first element of
    /// largest magnitude met walking the tensor in flat order, `scale = m / -2^(b-1)` (0 -> 1)
    /// rounded to `storage`, codes `clamp(round(x / scale), -2^(b-1), 2^(b-1) - 1)`.
    static func fullRange(_ values: [Float], shape: [Int], bits: Int, granularity: Granularity,
                          storage: DType = .float32) -> (codes: [Int], scales: [Float]) {
        let channelOfElement: [Int] = values.indices.map { flat in
            switch granularity {
            case .perTensor: 0
            case .perGroup(let size): flat / size
            case .perChannel(let axis): multiIndex(ofFlat: flat, in: shape)[axis < 0 ? axis + shape.count : axis]
            }
        }
        let channels = (channelOfElement.max() ?? -1) + 1
        var extremes = [Float](repeating: 0, count: channels)
        for (x, c) in zip(values, channelOfElement) where abs(x) > abs(extremes[c]) {
            extremes[c] = x
        }
        let half = Float(1 << (bits - 1))
        let scales = extremes.map { m in
            let scale = m / -half
            return ScaleStorage.rounded(scale == 0 ? 1 : scale, to: storage)
        }
        let codes = zip(values, channelOfElement).map { x, c in
            Int(min(max((x / scales[c]).rounded(.toNearestOrEven), -half), half - 1))
        }
        return (codes, scales)
    }

    /// Every element's `(code - zeroPoint) * scale`, one Float multiply each.
    static func dequantize(_ q: QuantizedTensor) -> [Float] {
        (0 ..< q.codes.count).map { flat in
            let channel = q.scheme.groupSize.map { flat / $0 } ?? q.axis.map { multiIndex(ofFlat: flat, in: q.shape)[$0] } ?? 0
            let zeroPoint = q.zeroPoints.isEmpty ? 0 : Int(q.zeroPoints[channel])
            return Float(q.code(at: flat) - zeroPoint) * q.scales[channel]
        }
    }
}

/// The documented error bound of one element: `scale / 2` plus the float32 rounding slack
/// `2^-24 * (|x| + |x̂|) + 2^-149`, plus `2^-22 * (levels + zeroPoint) * scale` when the code was
/// clamped at the end of the grid (the rounding of scale and zero point).
func quantErrorBound(x: Float, reconstructed: Float, scale: Float, zeroPoint: Int, clamped: Bool, levels: Int) -> Double {
    let slack = 0x1p-24 * (Double(abs(x)) + Double(abs(reconstructed))) + 0x1p-149
    let clampSlack = clamped ? 0x1p-22 * Double(levels + zeroPoint) * Double(scale) : 0
    return Double(scale) / 2 + slack + clampSlack
}

/// The elements of `original` that break the documented bound under `q`, as
/// `(index, error, bound)`; also every element that clamps under a symmetric scheme with a
/// normal scale, which the documentation says never happens.
func quantBoundViolations(original: [Float], _ q: QuantizedTensor) -> [(index: Int, error: Double, bound: Double)] {
    let reconstructed = q.dequantized()
    var violations: [(index: Int, error: Double, bound: Double)] = []
    for flat in original.indices {
        let channel = q.scheme.groupSize.map { flat / $0 } ?? q.axis.map { multiIndex(ofFlat: flat, in: q.shape)[$0] } ?? 0
        let scale = q.scales[channel]
        let zeroPoint = q.zeroPoints.isEmpty ? 0 : Int(q.zeroPoints[channel])
        let unclamped = Int((original[flat] / scale).rounded(.toNearestOrEven)) + zeroPoint
        let clamped = unclamped < q.scheme.qmin || unclamped > q.scheme.qmax
        if clamped && q.scheme.symmetric {
            if scale >= Float.leastNormalMagnitude {
                violations.append((flat, .infinity, 0))
            }
            continue
        }
        let error = abs(Double(original[flat]) - Double(reconstructed[flat]))
        let bound = quantErrorBound(x: original[flat], reconstructed: reconstructed[flat], scale: scale,
                                    zeroPoint: zeroPoint, clamped: clamped, levels: q.scheme.qmax - q.scheme.qmin)
        if error > bound { violations.append((flat, error, bound)) }
    }
    return violations
}

/// One case of Fixtures/reference/quantization.json (or scale_options.json), written by
/// Fixtures/reference/generate.py.
struct QuantReferenceCase: Sendable, Decodable, CustomStringConvertible {
    let name: String
    let scheme: String
    let bits: Int
    let axis: Int?
    let shape: [Int]
    let input: [String]
    let codes: [Int]
    let scales: [String]
    let zeroPoints: [Int]
    let groupSize: Int?
    /// For 4 bits or fewer: the codes as an `.npz` stores them packed, in hex.
    let packed: String?
    /// `mse` or `percentile:P` when a clipping search chose the ranges.
    let clipping: String?
    /// `full` for the full symmetric range (scale_options.json); nil for the restricted one.
    let symmetricRange: String?
    /// `float16` or `bfloat16` when the scales are stored (and rounded) so (scale_options.json).
    let scaleDtype: String?

    enum CodingKeys: String, CodingKey {
        case name, scheme, bits, axis, shape, input, codes, scales, packed, clipping
        case zeroPoints = "zero_points", groupSize = "group_size"
        case symmetricRange = "symmetric_range", scaleDtype = "scale_dtype"
    }

    var description: String { name }

    var quantScheme: QuantScheme? {
        guard var scheme = QuantScheme(name: scheme, bits: bits, axis: axis ?? 0, groupSize: groupSize),
              let clipping = Clipping(clipping ?? "minmax"),
              let symmetricRange = SymmetricRange(rawValue: symmetricRange ?? "restricted") else { return nil }
        scheme.clipping = clipping
        scheme.symmetricRange = symmetricRange
        if let scaleDtype {
            guard let type = DType(rawValue: scaleDtype) else { return nil }
            scheme.scaleDType = type
        }
        return scheme
    }
    var inputValues: [Float] { input.map(Self.float) }
    var scaleValues: [Float] { scales.map(Self.float) }

    /// A float32 from its bit pattern in 8 hex digits.
    static func float(_ hex: String) -> Float {
        Float(bitPattern: UInt32(hex, radix: 16) ?? 0x7FC0_0000)
    }

    static func loadAll(_ file: String = "quantization.json") throws -> [QuantReferenceCase] {
        struct File: Decodable { let cases: [QuantReferenceCase] }
        let url = fixturesFolder.appendingPathComponent("reference/" + file)
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }
}

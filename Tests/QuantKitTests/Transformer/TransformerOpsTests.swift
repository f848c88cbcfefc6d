import Foundation
import Testing
@testable import QuantKit

/// Each op of the forward pass against a plain double-precision version of its formula.
@Suite struct TransformerOpsTests {
    private var random = QuantTestRandom(seed: 16)

    @Test mutating func layerNormAndRMSNormMatchTheirFormulasInDouble() {
        let width = 96, rows = 5
        let x = random.normals(rows * width, scale: 3), weight = random.normals(width), bias = random.normals(width)
        var layer = x, rms = x
        layerNorm(&layer, width: width, weight: weight, bias: bias, epsilon: 1e-5)
        rmsNorm(&rms, width: width, weight: weight, epsilon: 1e-6)
        for r in 0 ..< rows {
            let row = x[r * width ..< (r + 1) * width].map(Double.init)
            let mean = row.reduce(0, +) / Double(width)
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(width)
            let meanSquare = row.map { $0 * $0 }.reduce(0, +) / Double(width)
            for c in 0 ..< width {
                let expectedLayer = (row[c] - mean) / (variance + 1e-5).squareRoot() * Double(weight[c]) + Double(bias[c])
                let expectedRMS = Double(weight[c]) * row[c] / (meanSquare + 1e-6).squareRoot()
                #expect(abs(Double(layer[r * width + c]) - expectedLayer) <= 1e-5 * (1 + abs(expectedLayer)))
                #expect(abs(Double(rms[r * width + c]) - expectedRMS) <= 1e-5 * (1 + abs(expectedRMS)))
            }
        }
    }

    @Test func activationsMatchTheirFormulasInDouble() {
        for x in stride(from: -8.0, through: 8.0, by: 0.0625) {
            let gelu = x / 2 * (1 + erf(x / 2.0.squareRoot()))
            let tanhForm = x / 2 * (1 + tanh((2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x)))
            let silu = x / (1 + exp(-x))
            #expect(abs(Double(HiddenActivation.gelu(Float(x))) - gelu) <= 2e-6 * max(1, abs(x)), "gelu(\(x))")
            #expect(abs(Double(HiddenActivation.geluTanh(Float(x))) - tanhForm) <= 2e-6 * max(1, abs(x)), "gelu tanh(\(x))")
            #expect(abs(Double(HiddenActivation.silu(Float(x))) - silu) <= 2e-6 * max(1, abs(x)), "silu(\(x))")
        }
    }

    /// The in-place loops, chunked over threads, give each value its own activation.
    @Test mutating func inPlaceActivationsAgreeWithTheScalarOnesOnAnyThreadCount() {
        let x = random.normals(40_000, scale: 4), up = random.normals(40_000)
        for activation in HiddenActivation.allCases {
            for threads in [1, 2, 3] {
                var values = x, gated = x
                activation.apply(&values, threads: threads)
                activation.applyGated(&gated, up: up, threads: threads)
                #expect(values == x.map { activation($0) }, "\(activation), \(threads) threads")
                #expect(gated == zip(x, up).map { activation($0) * $1 }, "\(activation) gated, \(threads) threads")
            }
        }
    }

    /// Grouped-query attention with a window, against a direct double loop over every query.
    @Test mutating func attentionMatchesADirectComputationWithGroupsAndWindows() {
        let lengths = [7, 3, 12], heads = 4, kvHeads = 2, d = 8, tokens = 22
        let q = random.normals(tokens * heads * d), k = random.normals(tokens * kvHeads * d), v = random.normals(tokens * kvHeads * d)
        for mask in [AttentionMask.bidirectional, .causal(window: nil), .causal(window: 4)] {
            let ours = scaledDotProductAttention(query: q, key: k, value: v, lengths: lengths, heads: heads, keyValueHeads: kvHeads,
                                                 headDim: d, scale: 0.35, mask: mask, threads: 2)
            var start = 0, worst = 0.0
            for length in lengths {
                for i in 0 ..< length {
                    for h in 0 ..< heads {
                        let g = h / (heads / kvHeads), keys = mask.keys(query: i, length: length)
                        let logits = keys.map { j in 0.35 * (0 ..< d).map { c in
                            Double(q[(start + i) * heads * d + h * d + c]) * Double(k[(start + j) * kvHeads * d + g * d + c]) }.reduce(0, +) }
                        let top = logits.max()!, weights = logits.map { exp($0 - top) }, total = weights.reduce(0, +)
                        for c in 0 ..< d {
                            let expected = zip(keys, weights).map { j, w in w / total * Double(v[(start + j) * kvHeads * d + g * d + c]) }
                                .reduce(0, +)
                            worst = max(worst, abs(Double(ours[(start + i) * heads * d + h * d + c]) - expected))
                        }
                    }
                }
                start += length
            }
            #expect(worst <= 1e-5, "\(mask): off by \(worst)")
        }
    }

    @Test func rotationTurnsEachPairByItsPositionsAngle() {
        let frequencies: [Float] = [1, 0.1], tables = RotaryTables(inverseFrequencies: frequencies, positions: 3)
        var x: [Float] = Array(repeating: [1, 2, 3, 4], count: 3).flatMap { $0 }  // one head of 4, three tokens
        tables.rotate(&x, heads: 1, lengths: [3])
        for p in 0 ..< 3 {
            for (i, f) in frequencies.enumerated() {
                let angle = Double(p) * Double(f), x1 = Double(i + 1), x2 = Double(i + 3)
                #expect(abs(Double(x[p * 4 + i]) - (x1 * cos(angle) - x2 * sin(angle))) <= 1e-6)
                #expect(abs(Double(x[p * 4 + i + 2]) - (x2 * cos(angle) + x1 * sin(angle))) <= 1e-6)
            }
        }
    }
}

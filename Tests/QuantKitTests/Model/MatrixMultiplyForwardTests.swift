import Testing

@testable import QuantKit

/// The row-at-a-time `forwardInt8` the GEMM version replaced, kept as its oracle: each row
/// quantized, then one int8 dot product per output with int32 sums over blocks of 2^16.
func naiveForwardInt8(_ layer: QuantizedLinear, _ x: [Float], batch: Int) -> [Float] {
    let integer = layer.integerWeight!
    let (inFeatures, outFeatures) = (layer.inFeatures, layer.outFeatures)
    var output = [Float](repeating: 0, count: batch * outFeatures)
    for row in 0 ..< batch {
        var activations = Array(x[row * inFeatures ..< (row + 1) * inFeatures])
        if integer.scalesAlongInput {
            for k in activations.indices { activations[k] *= integer.scales[k] }
        }
        let (codes, activationScale) = symmetricQuantize(activations, bits: 8)
        let codeSum = codes.reduce(Int64(0)) { $0 + Int64($1) }
        for j in 0 ..< outFeatures {
            var dot: Int64 = 0
            for start in stride(from: 0, to: inFeatures, by: 1 << 16) {
                var sum: Int32 = 0
                for k in start ..< min(start + (1 << 16), inFeatures) {
                    sum &+= Int32(codes[k]) * Int32(integer.codes[j * inFeatures + k])
                }
                dot += Int64(sum)
            }
            if integer.scalesAlongInput {
                let shift = integer.zeroPointDot(codes)
                output[row * outFeatures + j] = activationScale * Float(dot - shift) + (layer.bias?[j] ?? 0)
            } else {
                let channel = integer.scales.count == 1 ? 0 : j
                let centered = dot - Int64(integer.zeroPoints[channel]) * codeSum
                output[row * outFeatures + j] = activationScale * integer.scales[channel] * Float(centered) + (layer.bias?[j] ?? 0)
            }
        }
    }
    return output
}

@Suite struct MatrixMultiplyForwardTests {
    @Test(arguments: QuantScheme.names, [0, 1])
    func forwardInt8EqualsTheRowAtATimeVersion(name: String, axis: Int) throws {
        var random = QuantTestRandom(seed: 21)
        let (out, inFeatures, batch) = (37, 75, 19)
        let linear = pytorchLikeLinear(inFeatures: inFeatures, outFeatures: out, using: &random)
        let weight = try quantize(linear.weight, shape: [out, inFeatures], scheme: QuantScheme(name: name, bits: 8, axis: axis)!)
        let layer = QuantizedLinear(weight: weight, bias: linear.bias)
        let x = random.normals(batch * inFeatures, scale: 2)
        let expected = naiveForwardInt8(layer, x, batch: batch)
        for threads in [1, 2] {
            #expect(layer.forwardInt8(x, batch: batch, threads: threads) == expected)
        }
    }

    @Test func forwardInt8SplitsSumsLongerThanTheInt32Limit() throws {
        // 140000 inputs: two pieces of the int8 GEMM, added in int64.
        let inFeatures = 140_000
        var random = QuantTestRandom(seed: 4)
        let weights = random.normals(2 * inFeatures)
        let scheme = QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 8)
        let layer = QuantizedLinear(weight: try quantize(weights, shape: [2, inFeatures], scheme: scheme), bias: [0.5, -0.5])
        let x = random.normals(inFeatures)
        #expect(layer.forwardInt8(x, batch: 1) == naiveForwardInt8(layer, x, batch: 1))
    }

    @Test func quantizedForwardUsesTheDequantizedWeights() throws {
        var random = QuantTestRandom(seed: 8)
        let linear = pytorchLikeLinear(inFeatures: 20, outFeatures: 6, using: &random)
        let layer = QuantizedLinear(from: linear)
        let x = random.normals(3 * 20)
        let expected = floatMatrixMultiply(x, layer.weight.dequantized(), bias: layer.bias, m: 3, n: 6, k: 20)
        #expect(layer.forward(x, batch: 3) == expected)
        #expect(layer == QuantizedLinear(weight: layer.weight, bias: layer.bias))
    }
}

import Testing
import QuantKit

@Suite struct ModelTests {
    @Test func linearForwardComputesXTimesWeightTransposedPlusBias() {
        // W = [[1, 2, 3], [-1, 0, 0.5]], b = [0.5, -1]; x rows [1, 1, 1] and [2, 0, -2].
        let layer = Linear(weight: [1, 2, 3, -1, 0, 0.5], bias: [0.5, -1], outFeatures: 2, inFeatures: 3)
        #expect(layer.forward([1, 1, 1, 2, 0, -2], batch: 2) == [6.5, -1.5, -3.5, -4])
        let noBias = Linear(weight: [1, 2, 3, -1, 0, 0.5], bias: nil, outFeatures: 2, inFeatures: 3)
        #expect(noBias.forward([1, 1, 1], batch: 1) == [6, -0.5])
        #expect(layer.memoryBytes == 4 * 8 && noBias.memoryBytes == 4 * 6)
    }

    @Test func quantizedLinearStoresPerRowInt8CodesAndKeepsTheBias() {
        let layer = Linear(weight: [1, -2, 0.5, 4, 0, -0.25], bias: [3, 7], outFeatures: 2, inFeatures: 3)
        let q = QuantizedLinear(from: layer)
        #expect(q.weight.scheme == QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 8))
        #expect(q.weight.shape == [2, 3] && q.weight.axis == 0)
        #expect(q.weight.scales == [Float(2) / 127, Float(4) / 127])
        #expect((0 ..< 6).map(q.weight.code(at:)) == [64, -127, 32, 127, 0, -8])
        #expect(q.bias == [3, 7])
        #expect(q.memoryBytes == 6 + 4 * 2 + 4 * 2)
        #expect(q.forward([0, 0, 0], batch: 1) == [3, 7])
        #expect(QuantizedLinear(from: layer, bits: 4).weight.scheme.bits == 4)
    }

    @Test func quantizedLinear512To256CompressesAbout4xWithSmallOutputError() {
        var random = QuantTestRandom(seed: 42)
        let layer = pytorchLikeLinear(inFeatures: 512, outFeatures: 256, using: &random)
        let q = QuantizedLinear(from: layer)
        let compression = Double(layer.memoryBytes) / Double(q.memoryBytes)
        #expect(layer.memoryBytes == 4 * (512 * 256 + 256))
        #expect(compression >= 3.9)

        let batch = 4
        let x = random.normals(batch * 512)
        let exact = layer.forward(x, batch: batch)
        let approximate = q.forward(x, batch: batch)
        let dequantizedWeight = q.weight.dequantized()
        var worstRatio = 0.0
        for b in 0 ..< batch {
            for j in 0 ..< 256 {
                // Output j differs through the weights, each off by at most
                // scale_j / 2 + 2^-24 (|w| + |ŵ|) + 2^-149, times |x_i|; each float32 dot product of
                // n = 512 terms adds at most n · 2^-24 · Σ|x_i w_i| (sequential summation).
                var bound = 0.0
                for i in 0 ..< 512 {
                    let xi = Double(abs(x[b * 512 + i]))
                    let w = Double(abs(layer.weight[j * 512 + i]))
                    let wq = Double(abs(dequantizedWeight[j * 512 + i]))
                    bound += xi * (Double(q.weight.scales[j]) / 2 + 0x1p-24 * (w + wq) + 0x1p-149)
                    bound += 512 * 0x1p-24 * xi * (w + wq)
                }
                let error = abs(Double(exact[b * 256 + j]) - Double(approximate[b * 256 + j]))
                #expect(error <= bound, "row \(b) output \(j)")
                worstRatio = max(worstRatio, error / bound)
            }
        }
        // The bound is worst case; the errors of independent weights mostly cancel.
        #expect(worstRatio < 0.5)
        let metrics = ErrorMetrics(original: exact, reconstructed: approximate)
        let meanMagnitude = exact.reduce(0.0) { $0 + Double(abs($1)) } / Double(exact.count)
        #expect(metrics.meanAbsError / meanMagnitude < 0.01)
        #expect(metrics.sqnrDB > 35)
    }

    @Test func quantizedMLPAgreesWithTheFloatMLPOnArgmax() {
        var random = QuantTestRandom(seed: 42)
        let model = MLP(layers: [
            pytorchLikeLinear(inFeatures: 784, outFeatures: 512, using: &random),
            pytorchLikeLinear(inFeatures: 512, outFeatures: 512, using: &random),
            pytorchLikeLinear(inFeatures: 512, outFeatures: 10, using: &random),
        ])
        let quantized = model.quantized()
        #expect(model.memoryBytes == 4 * (784 * 512 + 512 + 512 * 512 + 512 + 512 * 10 + 10))
        #expect(quantized.memoryBytes == 784 * 512 + 512 * 512 + 512 * 10 + 8 * (512 + 512 + 10))
        #expect(Double(model.memoryBytes) / Double(quantized.memoryBytes) >= 3.9)

        let batch = 32
        let x = random.normals(batch * 784)
        let exact = model.forward(x, batch: batch)
        let approximate = quantized.forward(x, batch: batch)
        #expect(exact.count == batch * 10 && approximate.count == batch * 10)
        func argmax(_ logits: [Float], row: Int) -> Int {
            let slice = logits[(row * 10) ..< ((row + 1) * 10)]
            return slice.indices.max { slice[$0] < slice[$1] }! - row * 10
        }
        let agreeing = (0 ..< batch).filter { argmax(exact, row: $0) == argmax(approximate, row: $0) }.count
        #expect(Double(agreeing) / Double(batch) >= 0.9)
    }

    @Test func mlpAppliesReLUBetweenLayersButNotAfterTheLast() {
        let first = Linear(weight: [1, -1], bias: nil, outFeatures: 2, inFeatures: 1)
        let second = Linear(weight: [1, 1, -1, -1], bias: [0, 0], outFeatures: 2, inFeatures: 2)
        let model = MLP(layers: [first, second])
        // x = 2: first gives [2, -2] -> ReLU [2, 0]; second gives [2, -2] with no ReLU after it.
        #expect(model.forward([2], batch: 1) == [2, -2])
        #expect(model.memoryBytes == first.memoryBytes + second.memoryBytes)
    }
}

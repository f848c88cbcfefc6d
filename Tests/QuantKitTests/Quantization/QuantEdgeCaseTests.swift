import Testing
import QuantKit

@Suite struct QuantEdgeCaseTests {
    @Test func workedExampleFromTheDocumentation() {
        let (codes, scale) = symmetricQuantize([-1, 0.5, 2.54])
        #expect(scale == Float(2.54) / 127)
        #expect(codes == [-50, 25, 127])
    }

    @Test func tiesRoundToEvenLikeNumPy() {
        // scale 1 (max 127): x / scale is exactly k + 0.5.
        let (codes, scale) = symmetricQuantize([127, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5])
        #expect(scale == 1)
        #expect(codes == [127, 0, 2, 2, 0, -2, -2])
    }

    @Test func asymmetricTiesRoundBeforeAddingTheZeroPoint() {
        // [-1, 2] at 2 bits: scale 1, zero point 1; 0.5 rounds to 0 (even), then + 1.
        let (codes, scale, zeroPoint) = asymmetricQuantize([-1, 2, 0.5, 1.5], bits: 2)
        #expect(scale == 1 && zeroPoint == 1)
        #expect(codes == [0, 3, 1, 3])
    }

    @Test func allZeroAndEmptyTensorsGetScaleOne() throws {
        #expect(symmetricQuantize([0, 0, 0]).scale == 1)
        #expect(symmetricQuantize([]).scale == 1)
        #expect(symmetricQuantize([]).codes.isEmpty)
        let asym = asymmetricQuantize([0, -0.0])
        #expect(asym.scale == 1 && asym.zeroPoint == 0 && asym.codes == [0, 0])
        let empty = try quantize([], shape: [3, 0], scheme: QuantScheme(symmetric: false, granularity: .perChannel(axis: 0)))
        #expect(empty.scales == [1, 1, 1] && empty.zeroPoints == [0, 0, 0] && empty.codes.isEmpty)
        #expect(empty.dequantized().isEmpty)
    }

    @Test func symmetricCodesClampAtTheGridEnds() {
        // A subnormal scale rounds coarsely: max|x| = 143 * 2^-149 gives scale 2^-149 (143/127
        // rounds to 1 ulp), so 143 ulps clamps to 127 and -143 ulps to -128.
        let ulp = Float.leastNonzeroMagnitude
        let (codes, scale) = symmetricQuantize([143 * ulp, -143 * ulp, 5 * ulp])
        #expect(scale == ulp)
        #expect(codes == [127, -128, 5])
    }

    @Test func asymmetricCodesStayInZeroToLevels() {
        for bits in QuantScheme.bitRange {
            let levels = (1 << bits) - 1
            let (codes, _, zeroPoint) = asymmetricQuantize([-3, -1, 0, 2, 7], bits: bits)
            #expect(codes.allSatisfy { Int($0) <= levels })
            // The ends round separately: at 4 bits, -3 / scale = -4.5 -> -4 and 7 / scale = 10.5 -> 10,
            // so with zero point 4 the maximum lands one below the top code.
            #expect(codes.first == 0 && Int(codes.last!) >= levels - 1)
            #expect((0 ... levels).contains(Int(zeroPoint)))
        }
    }

    @Test func asymmetricRangeIsWidenedToContainZero() {
        let x: [Float] = [10, 10.25, 10.5, 11]
        let (codes, scale, zeroPoint) = asymmetricQuantize(x)
        #expect(zeroPoint == 0)
        #expect(scale == Float(11) / 255)
        let reconstructed = asymmetricDequantize(codes, scale: scale, zeroPoint: zeroPoint)
        for (value, back) in zip(x, reconstructed) {
            #expect(abs(value - back) <= scale / 2 + 0x1p-24 * (abs(value) + abs(back)))
        }
        // All negative: the range widens to [min, 0], so 0 is the top code.
        let negative = asymmetricQuantize([-4, -2, -1])
        #expect(negative.zeroPoint == 255)
        #expect(negative.codes.max() == 255 - UInt8((Float(1) / negative.scale).rounded(.toNearestOrEven)))
    }

    @Test func overflowingRangeStillGivesAFiniteScale() {
        let x: [Float] = [3e38, -3e38, 1, 0]
        let (codes, scale, zeroPoint) = asymmetricQuantize(x)
        #expect(scale.isFinite)
        #expect(scale == Float(3e38) / 255 - Float(-3e38) / 255)
        #expect(zeroPoint == 128)
        #expect(codes.first == 255 && codes[1] == 0)
        let reconstructed = asymmetricDequantize(codes, scale: scale, zeroPoint: zeroPoint)
        #expect(reconstructed.allSatisfy { $0.isFinite })
        // -min / scale = 127.5 rounds to 128 and so does 3e38 / scale: its code clamps to 255.
        let bound = quantErrorBound(x: x[0], reconstructed: reconstructed[0], scale: scale, zeroPoint: 128, clamped: true, levels: 255)
        #expect(Double(abs(reconstructed[0] - x[0])) <= bound)
        let symmetric = symmetricQuantize(x)
        #expect(symmetric.scale.isFinite && symmetric.codes[0] == 127 && symmetric.codes[1] == -127)
    }

    @Test func dequantizeIsCodeMinusZeroPointTimesScale() throws {
        var random = QuantTestRandom(seed: 7)
        let values = random.normals(40, scale: 5)
        for name in QuantScheme.names {
            let q = try quantize(values, shape: [5, 8], scheme: #require(QuantScheme(name: name, bits: 5, axis: 1)))
            let back = q.dequantized()
            for flat in values.indices {
                let channel = flat % 8
                let zeroPoint = q.zeroPoints.isEmpty ? 0 : Int(q.zeroPoints[q.axis == nil ? 0 : channel])
                let scale = q.scales[q.axis == nil ? 0 : channel]
                #expect(back[flat].bitPattern == (Float(q.code(at: flat) - zeroPoint) * scale).bitPattern)
            }
        }
        let codes: [Int8] = [-128, -1, 0, 1, 127]
        #expect(symmetricDequantize(codes, scale: 0.5) == [-64, -0.5, 0, 0.5, 63.5])
        #expect(asymmetricDequantize([0, 3, 255], scale: 0.25, zeroPoint: 3) == [-0.75, 0, 63])
    }

    @Test func axisResolvesLikeNumPyAndRefusesOutOfRange() throws {
        let values = [Float](repeating: 1, count: 24)
        let shape = [2, 3, 4]
        for (axis, resolved, channels) in [(0, 0, 2), (1, 1, 3), (-1, 2, 4), (-3, 0, 2)] {
            let q = try quantize(values, shape: shape, scheme: QuantScheme(symmetric: true, granularity: .perChannel(axis: axis)))
            #expect(q.axis == resolved && q.scales.count == channels)
            #expect(q.scaleShape == shape.indices.map { $0 == resolved ? channels : 1 })
        }
        for axis in [3, -4] {
            #expect(throws: QuantizationError.axisOutOfRange(axis: axis, rank: 3)) {
                try quantize(values, shape: shape, scheme: QuantScheme(symmetric: false, granularity: .perChannel(axis: axis)))
            }
        }
        #expect(throws: QuantizationError.valueCountMismatch(count: 24, shape: [5, 5])) {
            try quantize(values, shape: [5, 5], scheme: QuantScheme(symmetric: true, granularity: .perTensor))
        }
        #expect(throws: ShapeError.negativeDimension(-2)) {
            try quantize([], shape: [-2, 0], scheme: QuantScheme(symmetric: true, granularity: .perTensor))
        }
    }

    @Test func zeroDimensionalTensorIsOneChannel() throws {
        let q = try quantize([-2.75], shape: [], scheme: QuantScheme(symmetric: false, granularity: .perChannel(axis: 0)))
        #expect(q.axis == nil && q.scales.count == 1 && q.zeroPoints == [255])
        #expect(q.scaleShape == [])
        #expect(q.dequantized() == [-2.75])
    }

    @Test func firstNonFiniteIndexNamesTheOffendingElement() {
        #expect(firstNonFiniteIndex([1, 2, 3]) == nil)
        #expect(firstNonFiniteIndex([]) == nil)
        #expect(firstNonFiniteIndex([0, .greatestFiniteMagnitude, -.infinity, .nan]) == 2)
        #expect(firstNonFiniteIndex([1, .nan]) == 1)
    }

    @Test func perChannelBeatsPerTensorOnTheTextbookWeight() throws {
        var random = QuantTestRandom(seed: 42)
        var weight = random.normals(32)
        for i in 0 ..< 8 {
            weight[i] *= 10
            weight[24 + i] *= 0.1
        }
        let perTensor = try quantize(weight, shape: [4, 8], scheme: QuantScheme(symmetric: true, granularity: .perTensor))
        let perChannel = try quantize(weight, shape: [4, 8], scheme: QuantScheme(symmetric: true, granularity: .perChannel(axis: 0)))
        let tensorError = ErrorMetrics(original: weight, reconstructed: perTensor.dequantized())
        let channelError = ErrorMetrics(original: weight, reconstructed: perChannel.dequantized())
        #expect(tensorError.meanAbsError / channelError.meanAbsError > 2)
        let channel3 = Array(24 ..< 32)
        let tensorChannel3 = ErrorMetrics(original: channel3.map { weight[$0] }, reconstructed: channel3.map { perTensor.dequantized()[$0] })
        let channelChannel3 = ErrorMetrics(original: channel3.map { weight[$0] }, reconstructed: channel3.map { perChannel.dequantized()[$0] })
        #expect(tensorChannel3.meanAbsError > 10 * channelChannel3.meanAbsError)
        #expect(channelError.sqnrDB > tensorError.sqnrDB)
    }
}

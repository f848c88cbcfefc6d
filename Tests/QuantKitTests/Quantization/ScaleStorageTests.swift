import Testing

@testable import QuantKit

@Suite struct ScaleStorageTests {
    @Test func bfloat16RoundsToNearestTiesToEven() {
        #expect(bfloat16Bits(rounding: 1.0) == 0x3F80)
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: the even one (1) wins.
        #expect(bfloat16Bits(rounding: 1 + 0x1p-8) == 0x3F80)
        // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even).
        #expect(bfloat16Bits(rounding: 1 + 3 * 0x1p-8) == 0x3F82)
        #expect(bfloat16Bits(rounding: 1 + 0x1p-8 + 0x1p-20) == 0x3F81)
        #expect(bfloat16Bits(rounding: -2.5) == 0xC020)
    }

    @Test func roundedScaleIsTheNearestValueOfTheType() {
        var random = SplitMix64(seed: 3)
        for _ in 0 ..< 2000 {
            let scale = Float.random(in: 1e-6 ... 10, using: &random)
            let bf16 = ScaleStorage.rounded(scale, to: .bfloat16)
            #expect(bf16.bitPattern & 0xFFFF == 0)
            #expect(abs(bf16 - scale) <= scale * 0x1p-8)
            let half = ScaleStorage.rounded(scale, to: .float16)
            #expect(Float(Float16(half)) == half)
            #expect(abs(half - scale) <= max(scale * 0x1p-11, 0x1p-25))
        }
        #expect(ScaleStorage.rounded(0.123456789, to: .float32) == 0.123456789)
    }

    @Test func scalesStayPositiveAndFinite() {
        #expect(ScaleStorage.rounded(1e-30, to: .float16) == Float(Float16.leastNonzeroMagnitude))
        #expect(ScaleStorage.rounded(1e9, to: .float16) == Float(Float16.greatestFiniteMagnitude))
        #expect(ScaleStorage.rounded(1e-45, to: .bfloat16) == Float(bitPattern: 1 << 16))
        #expect(ScaleStorage.rounded(.greatestFiniteMagnitude, to: .bfloat16) == Float(bitPattern: 0x7F7F_0000))
    }

    /// Full-range scales are negative when their extreme is positive: the rounding keeps the
    /// sign, and the magnitude rounds (and clamps) exactly as a positive scale's would.
    @Test(arguments: [DType.float16, .bfloat16, .float32])
    func negativeScalesRoundAsTheirMagnitudeWithTheSignKept(_ type: DType) {
        var random = SplitMix64(seed: 9)
        let samples = (0 ..< 500).map { _ in Float.random(in: 1e-6 ... 10, using: &random) }
            + [1e-30, 1e-45, 1e9, .greatestFiniteMagnitude, 0x1p-24, 65504, 65520]
        for magnitude in samples {
            let positive = ScaleStorage.rounded(magnitude, to: type)
            #expect(ScaleStorage.rounded(-magnitude, to: type).bitPattern == (-positive).bitPattern, "\(magnitude)")
        }
        #expect(ScaleStorage.rounded(-1e-30, to: .float16) == -Float(Float16.leastNonzeroMagnitude))
        #expect(ScaleStorage.rounded(-1e9, to: .float16) == -Float(Float16.greatestFiniteMagnitude))
        #expect(ScaleStorage.rounded(-1e-45, to: .bfloat16) == -Float(bitPattern: 1 << 16))
        #expect(ScaleStorage.rounded(-.greatestFiniteMagnitude, to: .bfloat16) == -Float(bitPattern: 0x7F7F_0000))
    }

    /// Codes computed with the stored (rounded) scale keep `|x - q * scale| <= scale / 2` for the
    /// scale a loader multiplies by.
    @Test(arguments: [DType.bfloat16, .float16])
    func codesUseTheStoredScaleSoTheBoundHolds(_ storage: DType) throws {
        var random = SplitMix64(seed: 4)
        let shape = [8, 300]
        let values = (0 ..< 2400).map { _ in Float.random(in: -3 ... 3, using: &random) }
        for scheme in [QuantScheme(symmetric: true, granularity: .perChannel(axis: 0)),
                       QuantScheme(symmetric: false, granularity: .perChannel(axis: 0), bits: 4)] {
            var codes: [UInt8] = []
            let result = try values.withUnsafeBytes {
                try quantizeFloat32($0, shape: shape, scheme: scheme, measure: false, threads: 1, scaleStorage: storage,
                                    batchBytes: .max) { codes.append(contentsOf: $0) }
            }
            let quantized = QuantizedTensor(scheme: scheme, shape: shape, codes: codes, scales: result.scales,
                                            zeroPoints: result.zeroPoints, axis: result.axis)
            let restored = quantized.dequantized()
            for (index, x) in values.enumerated() {
                let scale = result.scales[index / 300]
                #expect(ScaleStorage.rounded(scale, to: storage) == scale)
                let code = quantized.code(at: index)
                guard code > scheme.qmin, code < scheme.qmax else { continue }
                #expect(abs(x - restored[index]) <= scale / 2 * (1 + 0x1p-20) + 0x1p-24 * abs(x))
            }
        }
    }
}

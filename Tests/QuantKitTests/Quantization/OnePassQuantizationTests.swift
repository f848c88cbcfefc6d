import Foundation
import CKernels
import Testing

@testable import QuantKit

/// Codes taken in order with no row packing of their own: `quantizeFloat32` then computes
/// every range first and the codes after (the two-pass way), which these tests hold the
/// one-pass kernels and the per-thread packing to.
private final class CodesInOrder: CodeEncoding {
    var codes: [UInt8] = []
    var started = false

    func start(scales: [Float], zeroPoints: [Int32]) { started = true }

    func encode(_ batch: UnsafeRawBufferPointer, _ write: (UnsafeRawBufferPointer) throws(FileError) -> Void) throws {
        codes += batch
        try write(batch)
    }
}

@Suite struct OnePassQuantizationTests {
    struct Output {
        var bytes: [UInt8] = []
        var parameters: QuantizedParameters
    }

    static func run(_ values: [Float], shape: [Int], scheme: QuantScheme, storage: DType = .float32, threads: Int = 2,
                    batchBytes: Int = 1 << 16, encoder: any CodeEncoding) throws -> Output {
        var bytes: [UInt8] = []
        let parameters = try values.withUnsafeBytes { raw in
            try quantizeFloat32(raw, shape: shape, scheme: scheme, measure: true, threads: threads, scaleStorage: storage,
                                batchBytes: batchBytes, encoder: encoder) { bytes += $0 }
        }
        return Output(bytes: bytes, parameters: parameters)
    }

    /// Normal values with the awkward runs a scale can get: all zeros, one outlier, all
    /// negative, a constant.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var random = QuantTestRandom(seed: seed)
        var values = random.normals(count)
        for i in 0 ..< min(count, 40) { values[i] = 0 }
        if count > 200 {
            values[100] = 1e4
            for i in 120 ..< 160 { values[i] = -abs(values[i]) }
            for i in 160 ..< 200 { values[i] = 0.75 }
        }
        if count > 400 {
            // Ties between +a and -a, each sign first once (the full range takes the first).
            (values[241], values[245]) = (5, -5)
            (values[300], values[310]) = (-5, 5)
        }
        return values
    }

    static let schemes: [QuantScheme] = [(true, SymmetricRange.restricted), (true, .full), (false, .restricted)].flatMap { symmetric, range in
        [Granularity.perChannel(axis: 0), .perGroup(size: 1), .perGroup(size: 3), .perGroup(size: 16), .perGroup(size: 32),
         .perGroup(size: 96)].flatMap { granularity in
            [8, 5, 4, 3, 2].map {
                var scheme = QuantScheme(symmetric: symmetric, granularity: granularity, bits: $0)
                scheme.symmetricRange = range
                return scheme
            }
        }
    }

    @Test(arguments: [DType.float32, .float16, .bfloat16])
    func onePassGivesTheTwoPassCodesScalesAndZeroPoints(_ storage: DType) throws {
        let shape = [37, 96]
        let values = Self.values(37 * 96, seed: 7)
        for scheme in Self.schemes {
            let reference = CodesInOrder()
            let twoPass = try Self.run(values, shape: shape, scheme: scheme, storage: storage, encoder: reference)
            #expect(reference.started)
            let onePass = try Self.run(values, shape: shape, scheme: scheme, storage: storage, encoder: UnchangedCodes())
            let label = "\(scheme.label) \(scheme.bits) bits \(scheme.granularity), \(storage)"
            #expect(onePass.bytes == reference.codes, "\(label)")
            #expect(onePass.parameters.scales == twoPass.parameters.scales, "\(label)")
            #expect(onePass.parameters.zeroPoints == twoPass.parameters.zeroPoints, "\(label)")
            let (a, b) = (try #require(onePass.parameters.metrics), try #require(twoPass.parameters.metrics))
            #expect(abs(a.mse - b.mse) <= 1e-6 * b.mse && a.maxAbsError == b.maxAbsError, "\(label)")
        }
    }

    @Test func eachThreadPacksItsPiecesAsTheStreamingEncoderWould() throws {
        // Rows of 96: pieces of 65536 / 96 = 682 rows (or of 2048 groups of 32) start on words.
        let shape = [700, 96]
        let values = Self.values(700 * 96, seed: 11)
        for scheme in Self.schemes where scheme.bits < 8 || !scheme.symmetric {
            let reference = CodesInOrder()
            _ = try Self.run(values, shape: shape, scheme: scheme, encoder: reference)
            let offset = scheme.symmetric ? UInt8(1 << (scheme.bits - 1)) : 0
            for encoder in [PackedBytes(bits: scheme.bits, rowLength: 96, offset: offset) as any CodeEncoding,
                            PackedWords(bits: scheme.bits, rowLength: 96, offset: offset),
                            ShiftedCodes(shift: UInt8(1 << (scheme.bits - 1)))] {
                let packed = try Self.run(values, shape: shape, scheme: scheme, encoder: encoder)
                let serial = encoderOutput(reference.codes, type(of: encoder) == ShiftedCodes.self
                    ? ShiftedCodes(shift: UInt8(1 << (scheme.bits - 1))) : encoder)
                #expect(packed.bytes == serial, "\(scheme.name) \(scheme.bits) bits, \(type(of: encoder))")
            }
        }
    }

    /// What `encoder`'s own (serial) encoding makes of `codes`, handed over in pieces of 1000.
    func encoderOutput(_ codes: [UInt8], _ encoder: any CodeEncoding) -> [UInt8] {
        var bytes: [UInt8] = []
        codes.withUnsafeBytes { raw in
            for start in stride(from: 0, through: raw.count, by: 1000) {
                let piece = UnsafeRawBufferPointer(rebasing: raw[start ..< min(start + 1000, raw.count)])
                try! encoder.encode(piece) { bytes += $0 }
            }
        }
        return bytes
    }

    @Test func packingFallsBackToTheEncoderWhenPiecesDoNotStartOnAWord() throws {
        // Groups of 3 on rows of 1002: pieces of 21845 groups end mid-row at column 405, bit 1215.
        let shape = [70, 1002]
        let values = Self.values(70 * 1002, seed: 3)
        let scheme = QuantScheme(symmetric: true, granularity: .perGroup(size: 3), bits: 3)
        let reference = CodesInOrder()
        _ = try Self.run(values, shape: shape, scheme: scheme, encoder: reference)
        let packed = try Self.run(values, shape: shape, scheme: scheme, encoder: PackedBytes(bits: 3, rowLength: 1002, offset: 4))
        #expect(packed.bytes == encoderOutput(reference.codes, PackedBytes(bits: 3, rowLength: 1002, offset: 4)))
    }

    @Test(arguments: [1, 2, 3])
    func theBytesAndSumsDoNotDependOnTheThreadCount(_ threads: Int) throws {
        let shape = [300, 512]
        let values = Self.values(300 * 512, seed: 5)
        for scheme in [QuantScheme(symmetric: true, granularity: .perChannel(axis: 0)),
                       QuantScheme(symmetric: false, granularity: .perGroup(size: 32), bits: 4)] {
            let encoder = { PackedWords(bits: scheme.bits, rowLength: 512, offset: 0) }
            let one = try Self.run(values, shape: shape, scheme: scheme, threads: 1, encoder: encoder())
            let many = try Self.run(values, shape: shape, scheme: scheme, threads: threads, encoder: encoder())
            #expect(many.bytes == one.bytes)
            #expect(many.parameters.metrics == one.parameters.metrics)
        }
    }

    @Test func aNonFiniteValueInALaterBatchIsNamedByItsFlatIndex() throws {
        var values = Self.values(200 * 1024, seed: 9)
        values[150 * 1024 + 7] = .infinity
        values[180 * 1024] = .nan
        let scheme = QuantScheme(symmetric: true, granularity: .perGroup(size: 32), bits: 4)
        #expect(throws: NonFiniteElement.self) {
            try Self.run(values, shape: [200, 1024], scheme: scheme, encoder: UnchangedCodes())
        }
        do {
            _ = try Self.run(values, shape: [200, 1024], scheme: scheme, encoder: UnchangedCodes())
        } catch let error as NonFiniteElement {
            #expect(error.index == 150 * 1024 + 7)
        }
    }

    /// Ranges from the awkward corners (zero, subnormal, tiny and huge magnitudes, a span that
    /// overflows, a tie between the ends) and 2000 random ones over every magnitude.
    static func awkwardRanges() -> [(Float, Float)] {
        var random = QuantTestRandom(seed: 1)
        var ranges: [(Float, Float)] = [(0, 0), (-0.0, 0), (0, 1e-45), (-1e-40, 0), (-Float.greatestFiniteMagnitude, Float.greatestFiniteMagnitude),
                                        (-3e38, 1), (-1, 3e38), (-6e-8, 6e-8), (-65504 * 127, 0), (-1e-30, 2e-30), (-2, 2)]
        for _ in 0 ..< 2000 {
            let exponent = Float.random(in: -40 ... 37, using: &random)
            let scale = Float(pow(10, Double(exponent)))
            ranges.append((-abs(random.normal()) * scale, abs(random.normal()) * scale))
        }
        return ranges
    }

    static func rule(bits: Int, symmetric: Bool, fullRange: Bool, storage: DType) -> ck_run_rule {
        ck_run_rule(bits: Int32(bits), symmetric: symmetric ? 1 : 0, full_range: fullRange ? 1 : 0,
                    storage: storage == .float16 ? Int32(CK_STORAGE_FLOAT16)
                        : storage == .bfloat16 ? Int32(CK_STORAGE_BFLOAT16) : Int32(CK_STORAGE_FLOAT32))
    }

    /// Short runs go through the kernel sixteen at a time, their parameters computed in lanes:
    /// each range becomes a run of 16 (`lo`, `hi`, then zeros) and must get the scale and zero
    /// point `ck_run_parameters` gives it alone (held to Swift below), the full range's extreme
    /// being `lo` on a tie (it comes first).
    @Test func sixteenShortRunsAtOnceGetEachRunsOwnParameters() {
        let ranges = Self.awkwardRanges()
        var values = [Float](repeating: 0, count: 16 * ranges.count)
        for (index, (lo, hi)) in ranges.enumerated() { (values[16 * index], values[16 * index + 1]) = (lo, hi) }
        var codes = [UInt8](repeating: 0, count: values.count)
        for bits in QuantScheme.bitRange {
            for (symmetric, fullRange) in [(true, false), (true, true), (false, false)] {
                for storage in [DType.float32, .float16, .bfloat16] {
                    var rule = Self.rule(bits: bits, symmetric: symmetric, fullRange: fullRange, storage: storage)
                    var scales = [Float](repeating: 0, count: ranges.count), zeroPoints = scales
                    var badRun = -1
                    _ = ck_quantize_runs(values, ranges.count, 16, &rule, &scales, &zeroPoints, &codes, 0, &badRun)
                    #expect(badRun == -1)
                    for (index, (lo, hi)) in ranges.enumerated() {
                        let extreme = -lo > hi ? lo : hi > -lo || hi == 0 ? hi : lo
                        var scale: Float = 0, zeroPoint: Float = 0
                        ck_run_parameters(Swift.min(lo, 0), Swift.max(hi, 0), extreme, &rule, &scale, &zeroPoint)
                        #expect(scales[index].bitPattern == scale.bitPattern && zeroPoints[index] == zeroPoint,
                                "run \(index) [\(lo), \(hi)] \(bits) bits \(symmetric) \(fullRange) \(storage)")
                    }
                }
            }
        }
    }

    /// The C copy of the parameter rule against the Swift definition, on the awkward ranges.
    @Test func theKernelsParameterRuleIsTheSwiftOne() {
        for (lo, hi) in Self.awkwardRanges() {
            for bits in QuantScheme.bitRange {
                for symmetric in [true, false] {
                    for storage in [DType.float32, .float16, .bfloat16] {
                        let scheme = QuantScheme(symmetric: symmetric, granularity: .perTensor, bits: bits)
                        let expected = parameters(min: lo, max: hi, scheme: scheme, storage: storage)
                        var rule = Self.rule(bits: bits, symmetric: symmetric, fullRange: false, storage: storage)
                        var scale: Float = 0, zeroPoint: Float = 0
                        ck_run_parameters(lo, hi, 0, &rule, &scale, &zeroPoint)
                        #expect(scale.bitPattern == expected.scale.bitPattern && zeroPoint == expected.zeroPoint,
                                "[\(lo), \(hi)] \(bits) bits symmetric \(symmetric) \(storage)")
                        guard symmetric else { continue }
                        // The full range, its extreme at either end of the range.
                        rule.full_range = 1
                        for extreme in [lo, hi] {
                            ck_run_parameters(lo, hi, extreme, &rule, &scale, &zeroPoint)
                            let full = fullRangeScale(m: extreme, bits: bits, storedAs: storage)
                            #expect(scale.bitPattern == full.bitPattern && zeroPoint == 0,
                                    "full range, extreme \(extreme), \(bits) bits \(storage)")
                        }
                    }
                }
            }
        }
    }
}

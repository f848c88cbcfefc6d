import Foundation
import Testing

@testable import QuantKit

@Suite struct BFloat16Tests {
    /// The value of bfloat16 `bits` computed from its fields in Double: `(-1)^s * 2^(e-127) *
    /// (1 + m/128)`, or `2^-126 * m/128` for e = 0; nil for infinities and NaNs.
    static func reference(_ bits: UInt16) -> Double? {
        let sign: Double = bits >> 15 == 1 ? -1 : 1
        let exponent = Int(bits >> 7 & 0xFF), mantissa = Double(bits & 0x7F)
        guard exponent != 0xFF else { return nil }
        return exponent == 0 ? sign * 0x1p-126 * mantissa / 128 : sign * pow(2, Double(exponent - 127)) * (1 + mantissa / 128)
    }

    @Test func everyBFloat16WidensExactly() throws {
        let all = (0 ... UInt16.max).flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
        let floats = try #require(try Tensor(dtype: .bfloat16, shape: [65536], bytes: all).floatValues())
        for bits in 0 ... UInt16.max {
            let value = floats[Int(bits)]
            #expect(value.bitPattern == UInt32(bits) << 16)
            if let expected = Self.reference(bits) {
                #expect(Double(value) == expected && value.sign == (bits >> 15 == 1 ? .minus : .plus))
            } else {
                #expect(bits & 0x7F == 0 ? value.isInfinite : value.isNaN)
            }
        }
    }

    @Test func dtypeCodes() {
        #expect(DType.bfloat16.byteSize == 2 && DType.bfloat16.isFloatingPoint)
        #expect(DType.allCases.filter { $0.numpyTypeCode == nil } == [.bfloat16, .float8E4M3FN, .float8E5M2])
        for dtype in DType.allCases { #expect(DType(safetensorsCode: dtype.safetensorsCode) == dtype) }
        #expect(DType(safetensorsCode: "BF16") == .bfloat16 && DType(safetensorsCode: "bf16") == nil)
        #expect(DType(safetensorsCode: "F8_E4M3") == .float8E4M3FN && DType(safetensorsCode: "F8_E8M0") == nil)
        #expect(DType(numpyTypeCode: "f4") == .float32)
    }

    /// 300000 elements: more than one widening chunk of the writer (`preferredWriteSize / 2`).
    static let large: Tensor = {
        let bits = (0 ..< 300_000).map { UInt16(truncatingIfNeeded: $0 &* 40_503) & 0x7F7F }
        return try! Tensor(dtype: .bfloat16, shape: [600, 500], bytes: bits.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) })
    }()

    @Test(arguments: [false, true])
    func npzWriterStoresBFloat16WidenedToFloat32(compressed: Bool) throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = files.path("out.npz")
        let small = try Tensor(dtype: .bfloat16, shape: [2, 2], bytes: [0x80, 0x3F, 0x20, 0xC0, 0x80, 0x7F, 0x01, 0x00])
        let writer = try NPZWriter(path: path, displayPath: path, compressed: compressed)
        try writer.add(name: "small", tensor: small)
        try writer.add(name: "large", tensor: Self.large)
        try writer.finish()
        let source = try NPZSource(path: path)
        #expect(source.tensors.map(\.dtype) == [.float32, .float32])
        #expect(try source.load("small") == Tensor(shape: [2, 2], values: small.floatValues()!))
        #expect(try source.load("small").floatValues()! == [1, -2.5, .infinity, Float(bitPattern: 0x10000)])
        #expect(try source.load("large") == Tensor(shape: [600, 500], values: Self.large.floatValues()!))
        #expect(encodeNPY(small) == encodeNPY(Tensor(shape: [2, 2], values: small.floatValues()!)))
    }

    @Test func npzWriterRefusesBFloat16PiecesThatSplitAnElement() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        let path = files.path("out.npz")
        let writer = try NPZWriter(path: path, displayPath: path, compressed: false)
        let failure = try #require(fileFailure {
            try writer.add(name: "w", dtype: .bfloat16, shape: [2]) { write in
                try [UInt8](repeating: 0, count: 4).withUnsafeBytes { try write(UnsafeRawBufferPointer(rebasing: $0[0 ..< 3])) }
            }
        })
        #expect(failure.underlying as? NPZError == .splitBFloat16Element(byteCount: 3))
        #expect(failure.member == "w")
    }
}

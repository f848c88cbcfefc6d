import Testing
@testable import QuantKit

/// `encodeNPY` and `makeTensor`: headers as NumPy writes them, round trips, and reordering.
@Suite struct NPYWriterTests {
    /// Distinct-looking bytes for `count` elements of `dtype`.
    private func patternTensor(_ dtype: DType, shape: [Int]) throws -> Tensor {
        let count = try elementCount(of: shape) * dtype.byteSize
        return try Tensor(dtype: dtype, shape: shape, bytes: (0 ..< count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
    }

    @Test func headerTextIsNumPys() {
        let header = encodeNPYHeader(dtype: .float32, shape: [3, 4])
        let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }" + String(repeating: " ", count: 20)
        let expected = NPYHeader.magic + [1, 0, 118, 0] + Array(dict.utf8)
            + [UInt8](repeating: 0x20, count: 128 - 10 - dict.utf8.count - 1) + [0x0a]
        #expect(header == expected)
        let scalar = encodeNPYHeader(dtype: .uint8, shape: [])
        #expect(scalar.dropFirst(10).starts(with: "{'descr': '|u1', 'fortran_order': False, 'shape': (), }   ".utf8))
        #expect(String(decoding: encodeNPYHeader(dtype: .bool, shape: [7]), as: UTF8.self).contains("'descr': '|b1'"))
        #expect(String(decoding: encodeNPYHeader(dtype: .int8, shape: [7]), as: UTF8.self).contains("'shape': (7,), }"))
    }

    @Test(arguments: [[], [0], [1], [5], [3, 0], [2, 3, 4], [1_000_000_000_000], [123_456_789_012_345_678, 0, 9]])
    func headersEndOnSixtyFourByteBoundaries(_ shape: [Int]) throws {
        for dtype in DType.numpyTypes {
            let header = encodeNPYHeader(dtype: dtype, shape: shape)
            #expect(header.count % 64 == 0)
            #expect(header.last == 0x0a)
            #expect(try NPYHeader.totalHeaderLength(prelude: header) == header.count)
            let parsed = try NPYHeader.parse(header)
            #expect(parsed.dtype == dtype && parsed.shape == shape && !parsed.fortranOrder && !parsed.bigEndian)
        }
    }

    @Test(arguments: DType.numpyTypes)
    func roundTripIsBitIdentical(_ dtype: DType) throws {
        for shape in [[], [0], [7], [3, 0], [2, 3, 4]] {
            let tensor = try patternTensor(dtype, shape: shape)
            let file = encodeNPY(tensor)
            #expect(try readNPY(bytes: file) == tensor)
            #expect(file.count == encodeNPYHeader(dtype: dtype, shape: shape).count + tensor.bytes.count)
        }
    }

    @Test func nanPayloadsSurviveTheRoundTrip() throws {
        let bits: [UInt32] = [0x7fc0_0001, 0xffa0_0000, 0x7f80_0000, 0x8000_0000]
        let tensor = try Tensor(dtype: .float32, shape: [4], bytes: bits.flatMap { withUnsafeBytes(of: $0.littleEndian) { Array($0) } })
        #expect(try readNPY(bytes: encodeNPY(tensor)).bytes == tensor.bytes)
    }

    @Test func hugeHeadersSwitchToVersionTwo() throws {
        let shape = [Int](repeating: 1, count: 30_000)
        let tensor = try patternTensor(.int16, shape: shape)
        let file = encodeNPY(tensor)
        #expect(Array(file[6 ..< 8]) == [2, 0])
        let header = try NPYHeader.parse(file)
        #expect(header.headerLength % 64 == 0)
        #expect(header.headerLength > 65_535)
        #expect(try readNPY(bytes: file) == tensor)
    }

    /// A header for `shape` with the given flags, parsed from a handmade file.
    private func header(_ descr: String, _ shape: [Int], fortran: Bool) throws -> NPYHeader {
        try NPYHeader.parse(NPYFixtures.npy(
            dict: "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(formatShape(shape))}"))
    }

    /// Fortran data whose element k holds k; in C order, element i must hold the Fortran
    /// position of its multi-index, sum(index[a] * stride[a]) with strides 1, d0, d0*d1, ...
    @Test(arguments: [[], [1], [5], [2, 3], [3, 1, 4], [1, 1, 6], [2, 3, 4, 5], [3, 2, 1, 2, 2], [2, 2, 2, 2, 2, 3], [0, 3], [4, 0, 2]])
    func fortranOrderMatchesTheIndexFormula(_ shape: [Int]) throws {
        let count = try elementCount(of: shape)
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in strides.indices.dropFirst() { strides[axis] = strides[axis - 1] * shape[axis - 1] }
        let expected = (0 ..< count).map { flat in
            UInt16(zip(multiIndex(ofFlat: flat, in: shape), strides).map { $0 * $1 }.reduce(0, +))
        }
        for bigEndian in [false, true] {
            let data = (0 ..< count).flatMap { k in
                withUnsafeBytes(of: bigEndian ? UInt16(k).bigEndian : UInt16(k).littleEndian) { Array($0) }
            }
            let tensor = try makeTensor(header: header(bigEndian ? ">u2" : "<u2", shape, fortran: true), data: data)
            let values = (0 ..< count).map { UInt16(tensor.bytes[2 * $0]) | UInt16(tensor.bytes[2 * $0 + 1]) << 8 }
            #expect(values == expected)
        }
    }

    @Test func bigEndianElementsAreSwappedInPlaceOrder() throws {
        let tensor = try makeTensor(header: header(">i4", [2], fortran: false), data: [0, 0, 1, 2, 0xff, 0xff, 0xff, 0xfe])
        #expect(tensor.bytes == [2, 1, 0, 0, 0xfe, 0xff, 0xff, 0xff])
        let bytes = try makeTensor(header: header(">u1", [3], fortran: false), data: [1, 2, 3])
        #expect(bytes.bytes == [1, 2, 3])
    }

    @Test func dataLengthMustMatchTheShape() throws {
        let header = try header("<f4", [2, 2], fortran: false)
        #expect(throws: NPYError.truncatedData(expected: 16, actual: 15)) {
            try makeTensor(header: header, data: [UInt8](repeating: 0, count: 15))
        }
        #expect(throws: NPYError.trailingData(count: 1)) {
            try makeTensor(header: header, data: [UInt8](repeating: 0, count: 17))
        }
    }
}

extension DType {
    /// Every type NumPy has (all but bfloat16, which the writers widen to float32).
    static let numpyTypes = allCases.filter { $0.numpyTypeCode != nil }
}

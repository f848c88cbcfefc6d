import Foundation
import Testing
@testable import QuantKit

/// Every valid file under `Fixtures/npy/valid` against what NumPy says it holds.
@Suite struct NPYFixtureTests {
    @Test func manifestCoversEveryValidFile() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: NPYFixtures.path("valid"))
        #expect(files.count >= 40)
        #expect(Set(files) == Set(NPYFixtures.expectations.map(\.file)))
    }

    @Test(arguments: NPYFixtures.expectations)
    func readsExactBytes(_ expected: NPYFixtures.Expectation) throws {
        let tensor = try readNPY(bytes: NPYFixtures.bytes("valid/" + expected.file))
        #expect(tensor.dtype.rawValue == expected.dtype)
        #expect(tensor.shape == expected.shape)
        #expect(tensor.bytes == NPYFixtures.hexBytes(expected.littleEndianHex))
    }

    @Test(arguments: NPYFixtures.expectations)
    func headerFlagsMatch(_ expected: NPYFixtures.Expectation) throws {
        let header = try NPYHeader.parse(NPYFixtures.bytes("valid/" + expected.file))
        #expect(header.bigEndian == expected.bigEndian)
        #expect(header.fortranOrder == expected.fortranOrder)
        #expect(header.shape == expected.shape)
        #expect(header.dataByteCount == expected.littleEndianHex.count / 2)
    }

    /// float16 widens exactly and float64 rounds to nearest even, as NumPy's `astype(float32)`.
    @Test(arguments: NPYFixtures.expectations.filter { $0.float32Hex != nil })
    func floatValuesMatchNumPyFloat32(_ expected: NPYFixtures.Expectation) throws {
        let tensor = try readNPY(bytes: NPYFixtures.bytes("valid/" + expected.file))
        let values = try #require(tensor.floatValues())
        let bits = values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } }
        #expect(bits == NPYFixtures.hexBytes(expected.float32Hex!))
    }

    @Test(arguments: NPYFixtures.expectations.filter(\.identicalToNpSave))
    func encodeIsByteIdenticalToNpSave(_ expected: NPYFixtures.Expectation) throws {
        let file = try NPYFixtures.bytes("valid/" + expected.file)
        #expect(encodeNPY(try readNPY(bytes: file)) == file)
    }

    @Test(arguments: NPYFixtures.expectations)
    func fileSourceLoadsTheSameTensor(_ expected: NPYFixtures.Expectation) throws {
        let source = try NPYFileSource(path: NPYFixtures.path("valid/" + expected.file))
        let name = String(expected.file.dropLast(4))
        #expect(source.tensors == [TensorInfo(name: name, dtype: source.header.dtype, shape: expected.shape)])
        let tensor = try source.load(name)
        #expect(tensor.bytes == NPYFixtures.hexBytes(expected.littleEndianHex))
    }

    @Test func versionsAreReported() throws {
        #expect(try NPYHeader.parse(NPYFixtures.bytes("valid/f4.npy")).version == .init(major: 1, minor: 0))
        #expect(try NPYHeader.parse(NPYFixtures.bytes("valid/v2.npy")).version == .init(major: 2, minor: 0))
        #expect(try NPYHeader.parse(NPYFixtures.bytes("valid/v3.npy")).version == .init(major: 3, minor: 0))
    }

    @Test func fortranOrderIsTransposedToCOrder() throws {
        let tensor = try readNPY(bytes: NPYFixtures.bytes("valid/fortran_3d.npy"))
        let values = tensor.bytes.withUnsafeBytes { raw in
            (0 ..< 24).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self) }
        }
        // The array is arange(24).reshape(2, 3, 4) * 3 - 20 in C order.
        let expected: [Int32] = (0 ..< 24).map { Int32($0) * 3 - 20 }
        #expect(values == expected)
    }

    @Test func bigEndianIntegersAreSwapped() throws {
        let tensor = try readNPY(bytes: NPYFixtures.bytes("valid/i8_be.npy"))
        let values = tensor.bytes.withUnsafeBytes { raw in
            (0 ..< 6).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
        }
        let expected: [Int64] = [.min, .max, 0, 1, .max / 3, -5]
        #expect(values == expected)
    }

    @Test func zeroDimensionalAndEmptyArrays() throws {
        let scalar = try readNPY(bytes: NPYFixtures.bytes("valid/scalar_0d.npy"))
        #expect(scalar.shape == [])
        #expect(scalar.floatValues() == [3.5])
        let empty = try readNPY(bytes: NPYFixtures.bytes("valid/empty_3x0.npy"))
        #expect(empty.shape == [3, 0])
        #expect(empty.bytes.isEmpty)
    }
}

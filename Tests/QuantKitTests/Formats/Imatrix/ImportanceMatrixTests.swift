import Foundation
import Testing
@testable import QuantKit

/// The readers against Fixtures/gguf/imatrix (make_imatrix_fixtures.py: files written as
/// llama-imatrix lays them out, weights.npz the weights quantize.cpp's `load_imatrix` derives,
/// computed with NumPy in float32), and hostile files.
@Suite struct ImportanceMatrixTests {

    private func temporaryFile(_ bytes: [UInt8], _ name: String = "imatrix.dat") throws -> String {
        let path = "\(NSTemporaryDirectory())/imatrix-\(getpid())-\(UUID().uuidString)-\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: ["imatrix.gguf", "imatrix.dat", "moe_imatrix.gguf"])
    func weightsAreQuantizeCppsBitForBit(file: String) throws {
        let matrix = try ImportanceMatrix.load(path: ImatrixFixture.path(file))
        let expectedWeights = try NPZSource(path: ImatrixFixture.path("weights.npz"))
        let names = expectedWeights.tensors.map(\.name).filter { $0.hasPrefix(file + ":") }
        #expect(!names.isEmpty)
        #expect(matrix.weights.count == names.count)
        for name in names {
            let expected = try #require(try expectedWeights.load(name).floatValues())
            let entry = String(name.dropFirst(file.count + 1))
            #expect(matrix.weights[entry]?.map(\.bitPattern) == expected.map(\.bitPattern), "\(name)")
        }
        #expect(matrix.format == (file.hasSuffix(".dat") ? .legacy : .gguf))
        #expect(matrix.datasets == ["calibration/tiny.txt"])
        #expect(matrix.chunkCount == 12)
    }

    /// Every truncation of the legacy file but at its trailer's dataset is a typed error naming
    /// what was cut; none reads past the end.
    @Test func everyTruncatedLegacyFileIsATypedError() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: ImatrixFixture.path("imatrix.dat"))))
        let trailer = 8 + "calibration/tiny.txt".utf8.count
        for length in stride(from: 0, to: bytes.count - trailer, by: 7) + [bytes.count - trailer + 2] {
            #expect(throws: ImportanceMatrixError.self, "\(length) bytes") {
                try ImportanceMatrix.loadLegacy(Array(bytes[..<length]))
            }
        }
        // Without its optional trailer the file is whole: no chunk count, no dataset.
        let untrailed = try ImportanceMatrix.loadLegacy(Array(bytes[..<(bytes.count - trailer)]))
        #expect(untrailed.chunkCount == 0 && untrailed.datasets.isEmpty && untrailed.weights.count == 18)
    }

    @Test func hostileLegacyCountsAreTypedErrors() throws {
        func int32(_ value: Int32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }
        #expect(throws: ImportanceMatrixError.noEntries) { try ImportanceMatrix.loadLegacy(int32(0)) }
        #expect(throws: ImportanceMatrixError.badLength(entry: nil, index: 0, field: "name length", value: -5)) {
            try ImportanceMatrix.loadLegacy(int32(1) + int32(-5))
        }
        #expect(throws: ImportanceMatrixError.badLength(entry: "w", index: 0, field: "value count", value: 0)) {
            try ImportanceMatrix.loadLegacy(int32(1) + int32(1) + [0x77] + int32(1) + int32(0))
        }
        #expect(throws: ImportanceMatrixError.truncated(entry: "w", index: 0, field: "values", needed: 4 * Int(Int32.max),
                                                        remaining: 4)) {
            try ImportanceMatrix.loadLegacy(int32(1) + int32(1) + [0x77] + int32(1) + int32(.max) + int32(0))
        }
        #expect(throws: ImportanceMatrixError.nonFiniteWeight(entry: "w", index: 1, value: .infinity)) {
            try ImportanceMatrix.loadLegacy(int32(1) + int32(1) + [0x77] + int32(0) + int32(2) + int32(0)
                                            + withUnsafeBytes(of: Float.infinity.bitPattern.littleEndian, Array.init))
        }
        let path = try temporaryFile(int32(3) + int32(1))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect { try ImportanceMatrix.load(path: path) } throws: { error in
            "\(error)" == "\(path): ends in entry 1's name: 1 bytes needed, 0 left (truncated?)"
        }
    }

    /// A GGUF importance matrix with `metadata` and the tensors `(name, type, dims, values)`.
    private func gguf(_ metadata: [GGUFMetadataEntry], _ tensors: [(String, GGMLType, [Int], [Float])]) throws -> String {
        let path = "\(NSTemporaryDirectory())/imatrix-\(getpid())-\(UUID().uuidString).gguf"
        let writer = try GGUFWriter(path: path, metadata: metadata, tensors: tensors.map {
            GGUFTensorDeclaration(name: $0.0, type: $0.1, dims: $0.2)
        })
        for (name, type, _, values) in tensors {
            let bytes: [UInt8] = type == .f32 ? values.withUnsafeBytes(Array.init)
                : values.map { Float16($0) }.withUnsafeBytes(Array.init)
            try bytes.withUnsafeBytes { try writer.add(name: name, bytes: $0) }
        }
        try writer.finish()
        return path
    }

    private let metadata = [GGUFMetadataEntry("imatrix.datasets", .array(.string([GGUFString("d")]))),
                            GGUFMetadataEntry("imatrix.chunk_count", .uint32(3)),
                            GGUFMetadataEntry("imatrix.chunk_size", .uint32(512))]

    private func loadError(_ metadata: [GGUFMetadataEntry], _ tensors: [(String, GGMLType, [Int], [Float])]) throws
        -> ImportanceMatrixError? {
        let path = try gguf(metadata, tensors)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try ImportanceMatrix.load(path: path)
            return nil
        } catch let error as FileError {
            return error.underlying as? ImportanceMatrixError
        }
    }

    @Test func hostileGGUFImportanceMatricesAreTypedErrors() throws {
        let sums: (String, GGMLType, [Int], [Float]) = ("w.in_sum2", .f32, [4, 2], [1, 2, 3, 4, 5, 6, 7, 8])
        let counts: (String, GGMLType, [Int], [Float]) = ("w.counts", .f32, [1, 2], [2, 0])
        #expect(try loadError(metadata, [sums, counts]) == nil)
        #expect(try loadError(Array(metadata.dropLast()), [sums, counts]) == .missingMetadata(["imatrix.chunk_size"]))
        #expect(try loadError(metadata.dropLast() + [GGUFMetadataEntry("imatrix.chunk_size", .int32(512))], [sums, counts])
            == .metadataType(key: "imatrix.chunk_size", expected: "u32", actual: "int32"))
        #expect(try loadError(metadata, [sums]) == .unpaired(entry: "w", missing: "w.counts"))
        #expect(try loadError(metadata, [counts]) == .unpaired(entry: "w", missing: "w.in_sum2"))
        #expect(try loadError(metadata, [("w.in_sum2", .f16, [4, 2], [1, 2, 3, 4, 5, 6, 7, 8]), counts])
            == .notFloat32(entry: "w", tensor: "w.in_sum2", type: .f16))
        #expect(try loadError(metadata, [sums, ("w.counts", .f32, [3], [1, 1, 1])])
            == .countsMismatch(entry: "w", sums: 8, counts: 3))
        let nanCount = try loadError(metadata, [sums, ("w.counts", .f32, [1, 2], [1, .nan])])
        guard case .badCount(entry: "w", index: 1, let value) = nanCount else {
            Issue.record("a NaN count: \(String(describing: nanCount))")
            return
        }
        #expect(value.isNaN)
        #expect(try loadError(metadata, [("w.in_sum2", .f32, [2], [1, .infinity]), ("w.counts", .f32, [1], [3])])
            == .nonFiniteWeight(entry: "w", index: 1, value: .infinity))
        #expect(try loadError(metadata, [("other", .f32, [2], [1, 2])]) == nil)
    }

    /// An expert with a count of 0 or below gets weights 1; a count is rounded half away from
    /// zero first (2.5 is 3).
    @Test func expertWeightsFollowQuantizeCpp() throws {
        let weights = try ImportanceMatrix.entryWeights(sums: [3, 6, 9, 12, 5, 5], counts: [2.5, 0, -1], entry: "e")
        #expect(weights == [1, 2, 1, 1, 1, 1])
    }
}

import Foundation
import Testing

@testable import QuantKit

/// Codes placed piece by piece by the quantizing threads (`QuantizationRun.writePlaced`) against
/// the same codes streamed in order: the same bytes, scales, zero points and error sums, to
/// the bit, at any thread count.
@Suite struct PlacedQuantizationTests {
    /// Streamed in batches of `batchBytes`, or placed into a file and read back.
    static func run(_ values: [Float], shape: [Int], scheme: QuantScheme, threads: Int, placed: Bool,
                    encoder: any CodeEncoding, files: TemporaryFiles) throws -> OnePassQuantizationTests.Output {
        let batchBytes = 1 << 16
        var bytes: [UInt8] = []
        let path = files.path("placed-\(UUID().uuidString)")
        var placedCount: Int?
        let sink = CodeSink(stream: { body in try body { bytes += $0 } }, place: { body in
            guard placed else { return false }
            let descriptor = openForWriting(path)
            defer { close(descriptor) }
            let count = (encoder.rowPacking?.byteOffset(of: values.count))!
            let place = PlacedPieces(descriptor: descriptor, fileOffset: 0, byteCount: count, checksummed: true) {
                FileError(path: path, ZipError.writeFailed(zipErrnoMessage($0)))
            }
            try body(place)
            _ = place.finish()
            placedCount = count
            return true
        })
        let parameters = try values.withUnsafeBytes { raw in
            try quantizeFloat32(raw, shape: shape, scheme: scheme, measure: true, threads: threads, batchBytes: batchBytes,
                                encoder: encoder, sink: sink)
        }
        if placed {
            #expect(placedCount != nil && bytes.isEmpty)
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        return OnePassQuantizationTests.Output(bytes: bytes, parameters: parameters)
    }

    /// One-pass schemes (per channel, groups) and two-pass ones (one scale for the tensor, a
    /// clipping search), 8 bits stored as bytes and 4 and 3 bits packed into bytes and words.
    static var cases: [(scheme: QuantScheme, encoder: () -> any CodeEncoding)] {
        var clipped = QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 4)
        clipped.clipping = .mse
        var full = QuantScheme(symmetric: true, granularity: .perGroup(size: 32), bits: 4)
        full.symmetricRange = .full
        let schemes = [QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 8),
                       QuantScheme(symmetric: false, granularity: .perGroup(size: 32), bits: 8),
                       QuantScheme(symmetric: true, granularity: .perTensor, bits: 8), full,
                       QuantScheme(symmetric: false, granularity: .perGroup(size: 16), bits: 3), clipped]
        return schemes.flatMap { scheme -> [(scheme: QuantScheme, encoder: () -> any CodeEncoding)] in
            let offset = scheme.symmetric ? UInt8(1 << (scheme.bits - 1)) : 0
            guard scheme.bits < 8 else { return [(scheme, { UnchangedCodes() })] }
            return [(scheme, { PackedBytes(bits: scheme.bits, rowLength: 256, offset: offset) }),
                    (scheme, { PackedWords(bits: scheme.bits, rowLength: 256, offset: offset) })]
        }
    }

    @Test(arguments: [1, 2, 3])
    func placedCodesAreTheStreamedOnesToTheBit(threads: Int) throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        // 700 rows of 256: several pieces (256 rows, or 4096 groups of 16) and tasks.
        let shape = [700, 256]
        let values = OnePassQuantizationTests.values(700 * 256, seed: 23)
        for (scheme, encoder) in Self.cases {
            let label = "\(scheme.label) \(scheme.bits) bits \(scheme.granularity) clipping \(scheme.clipping), \(type(of: encoder()))"
            let streamed = try Self.run(values, shape: shape, scheme: scheme, threads: 1, placed: false, encoder: encoder(),
                                        files: files)
            let placed = try Self.run(values, shape: shape, scheme: scheme, threads: threads, placed: true, encoder: encoder(),
                                      files: files)
            #expect(placed.bytes == streamed.bytes, "\(label)")
            #expect(placed.parameters.scales == streamed.parameters.scales, "\(label)")
            #expect(placed.parameters.zeroPoints == streamed.parameters.zeroPoints, "\(label)")
            #expect(placed.parameters.metrics == streamed.parameters.metrics, "\(label)")
        }
    }

    @Test func aNonFiniteValueIsFoundWhenPlacing() throws {
        let files = try TemporaryFiles()
        defer { files.cleanUp() }
        var values = OnePassQuantizationTests.values(700 * 256, seed: 29)
        values[150_001] = .nan
        values[170_000] = .infinity
        let scheme = QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 8)
        let error = try #require(throws: NonFiniteElement.self) {
            _ = try Self.run(values, shape: [700, 256], scheme: scheme, threads: 2, placed: true, encoder: UnchangedCodes(),
                             files: files)
        }
        #expect(error.index == 150_001)
    }
}

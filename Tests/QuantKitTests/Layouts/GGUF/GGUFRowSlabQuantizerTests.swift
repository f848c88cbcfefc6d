import Foundation
import Testing
@testable import QuantKit

/// `GGUFRowSlabQuantizer` against the whole-tensor quantizer (`GGMLQuantizers`, itself held to
/// ggml's bytes by the GGML tests): slabs of any size, one row to the whole tensor, tasks on one
/// or two threads and f16 input give the same blocks; a NaN or infinity is named by its flat
/// index even when it sits in a late slab or task, and the earliest one wins.
@Suite struct GGUFRowSlabQuantizerTests {
    /// 24 rows of 512 values: a q8_0, q4_0 or K-quant row is whole blocks.
    static let rowLength = 512, rowCount = 24

    /// Values on a smooth curve with an odd row here and there (so rows differ).
    static let values: [Float] = (0 ..< rowLength * rowCount).map { (i: Int) -> Float in
        let wave: Double = sin(Double(i) * 0.37) * Double(1 + i % 7)
        return Float(wave) * (i % 97 == 0 ? 40 : 1)
    }

    private func temporaryPath(_ name: String) -> String {
        "\(NSTemporaryDirectory())/gguf-slabs-\(getpid())-\(UUID().uuidString)-\(name)"
    }

    /// A GGUF file holding `values` as one tensor of `type` (f32 or f16), 512 values a row.
    private func input(_ values: [Float], as type: GGMLType) throws -> String {
        let path = temporaryPath("in.gguf")
        let writer = try GGUFWriter(path: path, metadata: [],
                                    tensors: [GGUFTensorDeclaration(name: "w", type: type, dims: [Self.rowLength, Self.rowCount])])
        if type == .f16 {
            let halves = values.map { Float16($0) }
            try halves.withUnsafeBytes { try writer.add(name: "w", bytes: $0) }
        } else {
            try values.withUnsafeBytes { try writer.add(name: "w", bytes: $0) }
        }
        try writer.finish()
        return path
    }

    /// The blocks `GGUFRowSlabQuantizer` writes for the tensor of `inputPath`.
    private func slabBlocks(_ inputPath: String, _ type: GGMLType, slabBytes: Int, threads: Int,
                            checkAfter: Bool = false) throws -> [UInt8] {
        let source = try GGUFSource(path: inputPath)
        let output = temporaryPath("out.gguf")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let writer = try GGUFWriter(path: output, metadata: [],
                                    tensors: [GGUFTensorDeclaration(name: "w", type: type, dims: [Self.rowLength, Self.rowCount])])
        let quantizer = GGUFRowSlabQuantizer(tensor: try source.ggmlTensor("w"),
                                             outputRowBytes: type.byteCount(elements: Self.rowLength)!,
                                             slabBytes: slabBytes, quantizeRowsToleratesNonFinite: checkAfter) { _, rows, blocks in
            try GGMLQuantizers.quantize(type, rows: rows, rowLength: Self.rowLength, into: blocks, threads: 1)
        }
        try quantizer.write(from: source, to: writer, threads: threads)
        try writer.finish()
        var blocks: [UInt8] = []
        try GGUFSource(path: output).copyStoredBytes("w", pieceSize: 1 << 16) { blocks += $0 }
        return blocks
    }

    /// `values` quantized whole, in one call.
    private func wholeBlocks(_ values: [Float], _ type: GGMLType) throws -> [UInt8] {
        var blocks = [UInt8](repeating: 0, count: type.byteCount(elements: values.count)!)
        try values.withUnsafeBufferPointer { rows in
            try blocks.withUnsafeMutableBytes { blocks in
                try GGMLQuantizers.quantize(type, rows: rows, rowLength: Self.rowLength, into: blocks, threads: 1)
            }
        }
        return blocks
    }

    /// Slabs of 1, 5 (the last slab short) and all 24 rows; the tasks (128 rows) then span
    /// whole slabs, so one task per slab, plus the write of the previous one.
    @Test(arguments: [GGMLType.q8_0, .q4_0, .q3_K, .q6_K])
    func everySlabSizeAndThreadCountWritesTheWholeTensorsBlocks(type: GGMLType) throws {
        let path = try input(Self.values, as: .f32)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let expected = try wholeBlocks(Self.values, type)
        for rowsPerSlab in [1, 5, Self.rowCount] {
            for threads in [1, 2] {
                let blocks = try slabBlocks(path, type, slabBytes: 4 * Self.rowLength * rowsPerSlab, threads: threads)
                #expect(blocks == expected, "\(type), \(rowsPerSlab) rows a slab, \(threads) threads")
            }
        }
    }

    @Test func f16InputWidensExactlyBeforeQuantizing() throws {
        let path = try input(Self.values, as: .f16)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let widened = Self.values.map { Float(Float16($0)) }
        let blocks = try slabBlocks(path, .q4_K, slabBytes: 4 * Self.rowLength * 7, threads: 2)
        #expect(blocks == (try wholeBlocks(widened, .q4_K)))
    }

    /// Two bad values, in slabs 3 and 4 of 5 rows: the first is named, by its flat index,
    /// whether the check runs before quantizing (q8_0) or after (q3_K, whose kernel tolerates them).
    @Test(arguments: [GGMLType.q8_0, .q3_K], [1, 2])
    func theFirstNonFiniteValueIsNamedByItsFlatIndex(type: GGMLType, threads: Int) throws {
        var values = Self.values
        let first = 11 * Self.rowLength + 300, second = 17 * Self.rowLength + 3
        values[second] = .nan
        values[first] = -.infinity
        let path = try input(values, as: .f32)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect {
            _ = try slabBlocks(path, type, slabBytes: 4 * Self.rowLength * 5, threads: threads,
                               checkAfter: GGMLQuantizers.toleratesNonFinite(type))
        } throws: { error in
            "\(error)".hasSuffix("'w': holds -inf at flat index \(first); only finite values can be quantized")
        }
    }
}

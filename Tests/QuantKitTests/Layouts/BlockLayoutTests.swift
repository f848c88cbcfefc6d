import Foundation
import QuantKit
import Testing

/// A layout defined in the test target only, through the public seam (`import QuantKit`, not
/// `@testable`): GGUF's Q8_0 block, each run of 32 codes of a row preceded by its scale as a
/// little-endian float16, 34 bytes a block, all in one uint8 member under the tensor's name.
/// It holds symmetric 8-bit schemes with groups of 32 only. No line of Sources/ knows it.
struct Q8BlockLayout: QuantizedLayout {
    static let blockBytes = 34

    var name: String { "test-q8-blocks" }
    var fileFormat: OutputFormat { .npz }
    var recordFormat: String { "test.q8-blocks" }
    var holdsDescription: String { "the test Q8 block layout holds symmetric 8-bit weights in groups of 32" }

    func unsupportedReason(_ tensor: TensorInfo, scheme: QuantScheme) -> String? {
        scheme.symmetric && scheme.bits == 8 && scheme.groupSize == 32 ? nil : "its scheme is not symmetric 8-bit in groups of 32"
    }

    func scaleStorage(for dtype: DType) -> DType { .float16 }

    func members(of tensor: TensorInfo, scheme: QuantScheme) -> [TensorInfo] {
        [TensorInfo(name: tensor.name, dtype: .uint8, shape: [tensor.shape.reduce(1, *) / 32 * Self.blockBytes])]
    }

    func codeEncoder(for tensor: TensorInfo, scheme: QuantScheme) -> any CodeEncoding { Q8BlockEncoder() }

    func auxiliaryTensors(of tensor: TensorInfo, scheme: QuantScheme, axis: Int?, scales: [Float],
                          zeroPoints: [Int32]) -> [Tensor] { [] }

    func decode(_ loaded: [Tensor], members: [TensorInfo], entry: ArchiveMetadata.Entry,
                scheme: QuantScheme) throws(ArchiveError) -> DecodedTensor {
        let bytes = loaded[0].bytes
        var decoded = DecodedTensor(codes: [], scales: [])
        for start in stride(from: 0, to: bytes.count, by: Self.blockBytes) {
            decoded.scales.append(Float(Float16(bitPattern: UInt16(bytes[start]) | UInt16(bytes[start + 1]) << 8)))
            decoded.codes += bytes[start + 2 ..< start + Self.blockBytes]
        }
        return decoded
    }
}

/// Writes each block's float16 scale before its 32 codes; codes may come in batches of any
/// length (a partial block waits for the next batch).
final class Q8BlockEncoder: CodeEncoding {
    private var scales: [Float] = []
    private var pending: [UInt8] = []
    private var block = 0
    private var buffers: [[UInt8]] = [[], []]
    private var round = 0

    func start(scales: [Float], zeroPoints: [Int32]) {
        self.scales = scales
    }

    func encode(_ batch: UnsafeRawBufferPointer, _ write: (UnsafeRawBufferPointer) throws(FileError) -> Void) throws {
        guard !batch.isEmpty else { return try write(batch) }
        pending += batch
        let slot = round % 2
        round += 1
        buffers[slot].removeAll(keepingCapacity: true)
        var used = 0
        while pending.count - used >= 32 {
            let bits = Float16(scales[block]).bitPattern
            buffers[slot] += [UInt8(bits & 0xFF), UInt8(bits >> 8)] + pending[used ..< used + 32]
            used += 32
            block += 1
        }
        pending.removeFirst(used)
        if !buffers[slot].isEmpty { try buffers[slot].withUnsafeBytes { try write($0) } }
    }
}

@Suite struct BlockLayoutTests {
    static let model = fixturesFolder.appendingPathComponent("digits/mlp.npz").path
    static let layouts = QuantizedLayouts.builtIn.adding(Q8BlockLayout())

    /// The group-32 symmetric 8-bit rules (rank >= 2 tensors; the biases stay float).
    static var rules: SelectionRules { SelectionRules(defaultScheme: QuantScheme(name: "group", bits: 8, groupSize: 32)) }

    static func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("block-layout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The blocks Q8_0 makes of `values` (rows of a multiple of 32), computed here from the
    /// definition: `d = float16(max|x| / 127)` per block (1 for an all-zero block, the least
    /// float16 above 0 where the quotient rounds to 0), `q = round_half_even(x / d)`.
    static func expectedBlocks(_ values: [Float]) -> [UInt8] {
        var bytes: [UInt8] = []
        for start in stride(from: 0, to: values.count, by: 32) {
            let block = values[start ..< start + 32]
            let largest = block.map(abs).max()!
            let scale = largest == 0 ? 1 : max(Float16(largest / 127), .leastNonzeroMagnitude)
            bytes += [UInt8(scale.bitPattern & 0xFF), UInt8(scale.bitPattern >> 8)]
            bytes += block.map { UInt8(bitPattern: Int8(($0 / Float(scale)).rounded(.toNearestOrEven))) }
        }
        return bytes
    }

    @Test func quantizesThroughThePipelineIntoBlocks() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("q8.npz").path
        let source = try openTensorSource(path: Self.model)
        let report = try quantizeFile(source: source, outputPath: output, rules: Self.rules, layout: Q8BlockLayout(),
                                      overwrite: false)
        let written = try openTensorSource(path: output)
        for name in ["fc1.weight", "fc2.weight", "fc3.weight"] {
            let values = try #require(try source.load(name).floatValues())
            #expect(try written.load(name).bytes == Self.expectedBlocks(values), "\(name)")
            let line = try #require(report.tensors.first { $0.name == name })
            #expect(line.bytesAfter == values.count / 32 * Q8BlockLayout.blockBytes)
        }
        #expect(Set(written.tensors.map(\.name)) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight",
                                                     "fc3.bias", "__quantization__"])
    }

    @Test func inspectAndDequantizeReadItBack() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("q8.npz").path
        let source = try openTensorSource(path: Self.model)
        _ = try quantizeFile(source: source, outputPath: output, rules: Self.rules, layout: Q8BlockLayout(), overwrite: false)

        let archive = try QuantizedArchive(source: openTensorSource(path: output), layouts: Self.layouts)
        let inspection = try Inspection(archive: archive)
        #expect(inspection.problems.isEmpty)
        #expect(inspection.quantizedCount == 3)
        #expect(inspection.tensors.map(\.name) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"])

        let restored = folder.appendingPathComponent("restored.npz").path
        let counts = try dequantizeFile(archive: archive, outputPath: restored, compress: false, overwrite: false)
        #expect(counts.dequantized == 3 && counts.copied == 3)
        let values = try openTensorSource(path: restored)
        for name in ["fc1.weight", "fc2.weight", "fc3.weight"] {
            let blocks = Self.expectedBlocks(try #require(try source.load(name).floatValues()))
            var expected: [Float] = []
            for start in stride(from: 0, to: blocks.count, by: Q8BlockLayout.blockBytes) {
                let scale = Float(Float16(bitPattern: UInt16(blocks[start]) | UInt16(blocks[start + 1]) << 8))
                expected += blocks[start + 2 ..< start + 34].map { Float(Int8(bitPattern: $0)) * scale }
            }
            #expect(try values.load(name).floatValues() == expected, "\(name)")
        }
        #expect(try values.load("fc1.bias").bytes == source.load("fc1.bias").bytes)
    }

    @Test func theConsistencyCheckRefusesABadBlockScale() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("q8.npz").path
        _ = try quantizeFile(source: openTensorSource(path: Self.model), outputPath: output, rules: Self.rules,
                             layout: Q8BlockLayout(), overwrite: false)
        // A copy whose fc2.weight has the float16 scale of its second block set to -1.
        let broken = folder.appendingPathComponent("broken.npz").path
        let written = try openTensorSource(path: output)
        let writer = try NPZWriter(path: broken, displayPath: broken, compressed: false)
        for info in written.tensors {
            var tensor = try written.load(info.name)
            if info.name == "fc2.weight" {
                var bytes = tensor.bytes
                (bytes[34], bytes[35]) = (UInt8(Float16(-1).bitPattern & 0xFF), UInt8(Float16(-1).bitPattern >> 8))
                tensor = try Tensor(dtype: .uint8, shape: info.shape, bytes: bytes)
            }
            try writer.add(name: info.name, tensor: tensor)
        }
        try writer.finish()
        let inspection = try Inspection(archive: QuantizedArchive(source: openTensorSource(path: broken), layouts: Self.layouts))
        #expect(inspection.problems == ["'fc2.weight': 'fc2.weight' has scale -1.0 at position 1; scales must be finite and positive"])
    }

    @Test func readersWithoutTheLayoutRefuseTheRecord() throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("q8.npz").path
        _ = try quantizeFile(source: openTensorSource(path: Self.model), outputPath: output, rules: Self.rules,
                             layout: Q8BlockLayout(), overwrite: false)
        #expect {
            try QuantizedArchive(source: openTensorSource(path: output))
        } throws: { error in
            "\(error)".contains("format is 'test.q8-blocks', expected 'quantize.npz' or 'quantize.compressed-tensors'")
        }
    }

    @Test func thePlanRefusesWhatTheLayoutCannotHold() throws {
        let rules = SelectionRules(defaultScheme: QuantScheme(name: "per-channel", bits: 8))
        #expect(throws: PlanError.notInLayout(tensor: "fc1.weight", holds: Q8BlockLayout().holdsDescription,
                                              reason: "its scheme is not symmetric 8-bit in groups of 32")) {
            try QuantizationPlan(tensors: openTensorSource(path: Self.model).tensors, rules: rules, layout: Q8BlockLayout())
        }
    }
}

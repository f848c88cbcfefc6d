import Foundation
import Testing
@testable import QuantKit

/// The pipeline without files: a plan of an in-memory source run by `StepWriter` into an
/// in-memory writer, in each built-in layout. What is written must be exactly the plan's
/// output tensors, the codes and scales those of `quantize`, encoded by the layout, and the
/// kept tensors their source bytes.
@Suite struct StepWriterTests {
    /// A `TensorFileWriter` keeping every member in memory, in order.
    final class MemoryWriter: TensorFileWriter {
        var members: [(info: TensorInfo, bytes: [UInt8])] = []
        var finished = false
        var preferredWriteSize: Int { 100 }

        func add(name: String, dtype: DType, shape: [Int],
                 _ body: (_ write: (UnsafeRawBufferPointer) throws(FileError) -> Void) throws -> Void) throws {
            var bytes: [UInt8] = []
            try body { piece throws(FileError) in bytes += piece }
            members.append((TensorInfo(name: name, dtype: dtype, shape: shape), bytes))
        }

        func finish() throws { finished = true }
    }

    static func source() -> InMemoryTensorSource {
        var random = QuantTestRandom(seed: 3)
        return InMemoryTensorSource([
            ("fc1.weight", Tensor(shape: [6, 32], values: random.normals(192))),
            ("fc1.bias", Tensor(shape: [6], values: random.normals(6))),
            ("fc2.weight", Tensor(shape: [4, 6], values: random.normals(24), storedAs: .float16)),
            ("steps", Tensor(dtype: .int32, shape: [3], integers: [Int32(1), 2, 3])),
        ])
    }

    /// Runs every step of `plan` of `source` into a fresh `MemoryWriter`.
    static func write(_ plan: QuantizationPlan, of source: InMemoryTensorSource, layout: any QuantizedLayout,
                      overrides: [String: TensorOverride] = [:]) throws -> (MemoryWriter, [QuantizationReport.TensorLine]) {
        let writer = MemoryWriter()
        let method = MethodOutput(overrides: overrides)
        var steps = StepWriter(source: source, layout: layout, writer: writer, method: method, threads: 2,
                               reader: TensorPrefetcher(source: source, tensors: StepWriter.readWhole(plan, method: method), threads: 2))
        let lines = try plan.steps.map { try steps.write($0) }
        return (writer, lines)
    }

    @Test(arguments: QuantizedLayouts.builtIn.all.map(\.name))
    func writesThePlansMembersWithTheCodesOfQuantize(layoutName: String) throws {
        let layout = try #require(QuantizedLayouts.builtIn.all.first { $0.name == layoutName })
        let source = Self.source()
        // The float-quantized layout holds FP8 codes only.
        let scheme = layout is FloatQuantizedLayout ? QuantScheme(name: "fp8-group", groupSize: 2)
            : QuantScheme(name: "group-asymmetric", bits: 4, groupSize: 2)
        let rules = SelectionRules(defaultScheme: scheme,
                                   exclude: [try Regex("steps")])
        let plan = try QuantizationPlan(tensors: source.tensors, rules: rules, layout: layout)
        let (writer, lines) = try Self.write(plan, of: source, layout: layout)
        #expect(writer.members.map(\.info) == plan.outputTensors)
        for (step, line) in zip(plan.steps, lines) {
            let written = writer.members.filter { member in step.members.contains { $0.name == member.info.name } }
            guard let scheme = step.scheme else {
                #expect(written.map(\.bytes) == [try source.load(step.tensor.name).bytes])
                continue
            }
            let values = try #require(try source.load(step.tensor.name).floatValues())
            let storage = layout.scaleStorage(for: step.tensor.dtype)
            let expected = try values.withUnsafeBytes { raw in
                try quantizeFloat32(raw, shape: step.tensor.shape, scheme: scheme, measure: false, threads: 1,
                                    scaleStorage: storage, batchBytes: .max) { _ in }
            }
            let entry = ArchiveMetadata.Entry(name: step.tensor.name, scheme: scheme, axis: expected.axis, shape: step.tensor.shape,
                                              originalDType: step.tensor.dtype, packing: layout.packing(bits: scheme.bits))
            let loaded = try written.map { try Tensor(dtype: $0.info.dtype, shape: $0.info.shape, bytes: $0.bytes) }
            let decoded = try layout.decode(loaded, members: written.map(\.info), entry: entry, scheme: scheme)
            let reference = try quantize(values, shape: step.tensor.shape, scheme: scheme)
            #expect(decoded.scales == expected.scales)
            if storage == .float32 { #expect(decoded.codes == reference.codes && decoded.zeroPoints == reference.zeroPoints) }
            #expect(line.bytesAfter == step.members.reduce(0) { $0 + $1.storedByteCount })
        }
    }

    @Test func anOverrideIsWrittenAsGivenAndMeasuredAgainstTheSource() throws {
        let source = Self.source()
        let rules = SelectionRules(defaultScheme: QuantScheme(name: "per-channel", bits: 8), exclude: [try Regex("steps")])
        let plan = try QuantizationPlan(tensors: source.tensors, rules: rules)
        let values = try #require(try source.load("fc1.weight").floatValues())
        var given = try quantize(values.map { $0 / 2 }, shape: [6, 32], scheme: QuantScheme(name: "per-channel", bits: 8)!)
        given.outliers = OutlierColumns(columns: [3], values: (0 ..< 6).map { Float($0) })
        let (writer, lines) = try Self.write(plan, of: source, layout: NPZLayout(),
                                             overrides: ["fc1.weight": .quantized(given, method: "gptq"),
                                                         "fc1.bias": .float([1, 2, 3, 4, 5, 6])])
        let names = writer.members.map(\.info.name)
        #expect(names.prefix(5) == ["fc1.weight", "fc1.weight_scale", "fc1.weight_outlier_columns", "fc1.weight_outliers", "fc1.bias"])
        #expect(writer.members[0].bytes == given.codes)
        #expect(writer.members[4].bytes == Tensor(shape: [6], values: [1, 2, 3, 4, 5, 6]).bytes)
        let error = ErrorMetrics(original: values, reconstructed: given.dequantized())
        #expect(lines[0].mse == error.mse && lines[0].scheme == "per-channel")
    }
}

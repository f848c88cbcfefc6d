import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// One scheme at one bit width, as the command line takes them.
struct SchemeBits: Sendable, CustomTestStringConvertible {
    let scheme: String
    let bits: Int

    var testDescription: String { "\(scheme):\(bits)" }
    var symmetric: Bool { !scheme.hasSuffix("asymmetric") }
    var perChannel: Bool { scheme.hasPrefix("per-channel") }
    /// `2^(bits-1)`: the shift between our asymmetric codes and compressed-tensors' signed ones.
    var half: Int { 1 << (bits - 1) }

    static let all = QuantScheme.names.flatMap { scheme in [8, 4, 3, 2].map { SchemeBits(scheme: scheme, bits: $0) } }
}

/// A small float32 checkpoint file: four 2-D weights (one with more than 32 output channels,
/// so per-channel zero points fill more than one word), a bias and an int64 tensor.
enum SmallCheckpoint {
    static let weights: [(name: String, shape: [Int])] = [
        ("layers.0.q.weight", [5, 33]), ("layers.0.k.weight", [8, 64]), ("head.weight", [3, 7]), ("proj.weight", [33, 3]),
    ]

    static func tensors(dtype: DType = .float32) -> [(String, Tensor)] {
        [("layers.0.q.weight", floatTensor(seededValues(5 * 33, seed: 1, offset: 0.3), shape: [5, 33], dtype: dtype)),
         ("layers.0.q.bias", floatTensor(seededValues(5, seed: 2), shape: [5], dtype: dtype)),
         ("layers.0.k.weight", floatTensor(seededValues(8 * 64, seed: 3), shape: [8, 64], dtype: dtype)),
         ("token_ids", try! Tensor(dtype: .int64, shape: [2, 3], bytes: [5, -1, 7, 0, 1 << 40, 3].flatMap { littleEndian(Int64($0)) })),
         ("head.weight", floatTensor(seededValues(3 * 7, seed: 4, scale: 0.02), shape: [3, 7], dtype: dtype)),
         ("proj.weight", floatTensor(seededValues(33 * 3, seed: 5, offset: -0.5), shape: [33, 3], dtype: dtype))]
    }

    /// Writes the checkpoint to `path`.
    static func write(to path: String, dtype: DType = .float32) throws {
        try writeSafetensors(tensors(dtype: dtype), to: path, metadata: ["format": "pt"])
    }
}

/// "I8 (5, 33)" for a header entry: what a reader sees of a member before its data.
func describe(_ entry: RawSafetensorsHeader.Entry?) -> String {
    entry.map { "\($0.dtype) \(formatShape($0.shape))" } ?? "missing"
}

@Suite struct CompressedTensorsTests {
    /// Quantizes `input` under `options` to `archive.npz` and to `archive.safetensors` in
    /// `ctFormat`, returning both paths.
    func quantizeBoth(_ input: String, in folder: TemporaryFolder, ctFormat: String, _ options: [String])
        throws -> (npz: String, safetensors: String) {
        let npz = folder.path("archive.npz")
        let safetensors = folder.path("archive.safetensors")
        let toNPZ = cli([input, "-o", npz, "--report", "none"] + options)
        try #require(toNPZ.status == .success, "\(toNPZ.err)")
        let toSafetensors = cli([input, "-o", safetensors, "--ct-format", ctFormat, "--report", "none"] + options)
        try #require(toSafetensors.status == .success, "\(toSafetensors.err)")
        return (npz, safetensors)
    }

    @Test(arguments: ["pack", "int"], SchemeBits.all)
    func safetensorsReadsBackToTheNPZArchiveExactly(ctFormat: String, scheme: SchemeBits) throws {
        let folder = try TemporaryFolder()
        let input = folder.path("model.safetensors")
        try SmallCheckpoint.write(to: input)
        let paths = try quantizeBoth(input, in: folder, ctFormat: ctFormat, ["--scheme", scheme.scheme, "--bits", "\(scheme.bits)"])
        let npz = try QuantizedArchive(source: openTensorSource(path: paths.npz))
        let safetensors = try QuantizedArchive(source: openTensorSource(path: paths.safetensors))
        let npzEntries = try #require(npz.metadata).tensors
        let entries = try #require(safetensors.metadata).tensors
        #expect(entries.map(\.name) == SmallCheckpoint.weights.map(\.name))
        // The same entries, but for the .npz's own byte packing of 4 bits or fewer.
        #expect(entries == npzEntries.map { entry in
            var unpacked = entry
            unpacked.packing = nil
            unpacked.codesDtype = entry.symmetric ? "int8" : "uint8"
            return unpacked
        })
        #expect(safetensors.metadata?.layoutVariant == (ctFormat == "int" ? "int-quantized" : "pack-quantized"))
        #expect(safetensors.layout?.name == (ctFormat == "int" ? "int-quantized" : "pack-quantized"))
        for (entry, npzEntry) in zip(entries, npzEntries) {
            let fromSafetensors = try safetensors.loadQuantized(entry)
            let fromNPZ = try npz.loadQuantized(npzEntry)
            #expect(fromSafetensors.codes == fromNPZ.codes, "\(entry.name)")
            #expect(fromSafetensors.scales == fromNPZ.scales, "\(entry.name)")
            #expect(fromSafetensors.zeroPoints == fromNPZ.zeroPoints, "\(entry.name)")
            #expect(fromSafetensors == fromNPZ, "\(entry.name)")
        }
    }

    /// The members as the layout documentation states them, checked on the raw header and on
    /// data decoded here, against the npz archive of the same input.
    @Test(arguments: ["pack", "int"], SchemeBits.all)
    func storedMembersFollowTheCompressedTensorsLayout(ctFormat: String, scheme: SchemeBits) throws {
        let folder = try TemporaryFolder()
        let input = folder.path("model.safetensors")
        try SmallCheckpoint.write(to: input)
        let paths = try quantizeBoth(input, in: folder, ctFormat: ctFormat, ["--scheme", scheme.scheme, "--bits", "\(scheme.bits)"])
        let header = try RawSafetensorsHeader(path: paths.safetensors)
        let stored = try loadAll(paths.safetensors)
        let archive = try loadAll(paths.npz)
        let original = Dictionary(uniqueKeysWithValues: SmallCheckpoint.tensors())
        #expect(header.metadata["format"] == "pt")
        #expect(stored["layers.0.q.bias"] == original["layers.0.q.bias"])
        #expect(stored["token_ids"] == original["token_ids"])
        var expectedNames: Set<String> = ["layers.0.q.bias", "token_ids"]
        for (name, shape) in SmallCheckpoint.weights {
            let module = String(name.dropLast(".weight".count))
            let (out, columns) = (shape[0], shape[1])
            let codes = try npzCodes(archive, name, bits: scheme.bits, symmetric: scheme.symmetric, rowLength: columns)
            let signedCodes = scheme.symmetric ? codes : codes.map { $0 - scheme.half }
            #expect(signedCodes.allSatisfy { (-scheme.half ..< scheme.half).contains($0) })

            let scale = module + ".weight_scale"
            expectedNames.insert(scale)
            #expect(describe(header.entries[scale]) == "F32 \(formatShape(scheme.perChannel ? [out, 1] : [1]))")
            #expect(try floats(#require(stored[scale])) == floats(#require(archive[name + "_scale"])), "\(scale)")

            if ctFormat == "int" {
                expectedNames.insert(name)
                #expect(describe(header.entries[name]) == "I8 \(formatShape(shape))")
                #expect(try integers(#require(stored[name])) == signedCodes, "\(name)")
            } else {
                let packed = module + ".weight_packed"
                let shapeMember = module + ".weight_shape"
                expectedNames.formUnion([packed, shapeMember])
                let words = (columns * scheme.bits + 31) / 32
                #expect(describe(header.entries[packed]) == "I32 \(formatShape([out, words]))")
                #expect(try integers(#require(stored[packed]))
                        == packedWords(signedCodes.map { $0 + scheme.half }, bits: scheme.bits, rowLength: columns), "\(packed)")
                #expect(describe(header.entries[shapeMember]) == "I64 (2,)")
                #expect(try integers(#require(stored[shapeMember])) == shape)
            }

            let zeroPoint = module + ".weight_zero_point"
            guard !scheme.symmetric else { continue }
            expectedNames.insert(zeroPoint)
            let ours = integers(try #require(archive[name + "_zero_point"]))
            if ctFormat == "pack" && scheme.perChannel {
                #expect(describe(header.entries[zeroPoint]) == "I32 \(formatShape([(out * scheme.bits + 31) / 32, 1]))")
                // Signed zero points offset back to unsigned are ours.
                #expect(try integers(#require(stored[zeroPoint])) == packedWords(ours, bits: scheme.bits, rowLength: out))
            } else {
                #expect(describe(header.entries[zeroPoint]) == "I8 \(formatShape(scheme.perChannel ? [out, 1] : [1]))")
                #expect(try integers(#require(stored[zeroPoint])) == ours.map { $0 - scheme.half })
            }
        }
        #expect(Set(header.entries.keys) == expectedNames)
    }

    @Test(arguments: ["pack", "int"], SchemeBits.all)
    func dequantizedSafetensorsEqualsDequantizedNPZ(ctFormat: String, scheme: SchemeBits) throws {
        let folder = try TemporaryFolder()
        let input = folder.path("model.safetensors")
        try SmallCheckpoint.write(to: input)
        let paths = try quantizeBoth(input, in: folder, ctFormat: ctFormat, ["--scheme", scheme.scheme, "--bits", "\(scheme.bits)"])
        let reference = folder.path("from-npz.npz")
        #expect(cli(["dequantize", paths.npz, "-o", reference]).status == .success)
        for output in ["from-ct.safetensors", "from-ct.npz"] {
            let result = cli(["dequantize", paths.safetensors, "-o", folder.path(output)])
            #expect(result.status == .success, "\(result.err)")
            #expect(result.out.contains("4 tensors dequantized to float32, 2 copied"))
            let restored = try loadAllInOrder(folder.path(output))
            #expect(restored.map(\.0) == SmallCheckpoint.tensors().map(\.0), "\(output): original names in file order")
            #expect(Dictionary(uniqueKeysWithValues: restored) == (try loadAll(reference)), "\(output)")
        }
    }

    /// bfloat16 and float16 weights: the scale is stored in the weight's type, and the codes
    /// were computed with that stored scale, so what a loader multiplies keeps the bound
    /// `|x - (c - z) * s| <= s / 2` for every code that is not clamped at the end of the grid.
    @Test(arguments: [DType.bfloat16, .float16], SchemeBits.all.filter { $0.bits != 3 })
    func halfPrecisionScalesAreStoredInTheWeightTypeAndKeepTheBound(dtype: DType, scheme: SchemeBits) throws {
        let folder = try TemporaryFolder()
        let input = folder.path("model.safetensors")
        try SmallCheckpoint.write(to: input, dtype: dtype)
        let original = Dictionary(uniqueKeysWithValues: SmallCheckpoint.tensors(dtype: dtype))
        for ctFormat in ["pack", "int"] {
            let output = folder.path("\(ctFormat).safetensors")
            let result = cli([input, "-o", output, "--ct-format", ctFormat, "--scheme", scheme.scheme, "--bits", "\(scheme.bits)"])
            try #require(result.status == .success, "\(result.err)")
            let header = try RawSafetensorsHeader(path: output)
            let stored = try loadAll(output)
            #expect(stored["layers.0.q.bias"] == original["layers.0.q.bias"], "kept tensors keep their bytes")
            for (name, shape) in SmallCheckpoint.weights {
                let module = String(name.dropLast(".weight".count))
                let (out, columns) = (shape[0], shape[1])
                #expect(header.entries[module + ".weight_scale"]?.dtype == dtype.safetensorsCode, "\(ctFormat) \(name)")
                let scales = floats(try #require(stored[module + ".weight_scale"]))
                let codes = ctFormat == "int"
                    ? integers(try #require(stored[name]))
                    : unpackedValues(integers(try #require(stored[module + ".weight_packed"])), bits: scheme.bits,
                                     rowLength: columns).map { $0 - scheme.half }
                var zeroPoints = [Int](repeating: 0, count: scales.count)
                if !scheme.symmetric {
                    let zeroPoint = try #require(stored[module + ".weight_zero_point"])
                    zeroPoints = zeroPoint.dtype == .int32
                        ? unpackedValues(integers(zeroPoint), bits: scheme.bits, rowLength: out).map { $0 - scheme.half }
                        : integers(zeroPoint)
                }
                let x = floats(try #require(original[name]))
                try #require(codes.count == x.count && zeroPoints.count == scales.count)
                var clamped = 0
                for i in x.indices {
                    let channel = scheme.perChannel ? i / columns : 0
                    let (s, z) = (scales[channel], zeroPoints[channel])
                    let ideal = Int((x[i] / s).rounded(.toNearestOrEven)) + z
                    guard (-scheme.half ..< scheme.half).contains(ideal) else {
                        clamped += 1
                        #expect(codes[i] == (ideal < 0 ? -scheme.half : scheme.half - 1), "\(name)[\(i)] clamps to the grid's end")
                        continue
                    }
                    let reconstructed = Float(codes[i] - z) * s
                    let bound = s / 2 + 0x1p-24 * (abs(x[i]) + abs(reconstructed)) + 0x1p-140
                    #expect(abs(x[i] - reconstructed) <= bound, "\(ctFormat) \(name)[\(i)]: x \(x[i]), code \(codes[i]), zero point \(z), scale \(s)")
                }
                // Rounding a scale to the weight type clamps at most the extreme elements of a channel.
                #expect(clamped <= 2 * scales.count, "\(ctFormat) \(name): \(clamped) codes clamped")
            }
        }
    }
}

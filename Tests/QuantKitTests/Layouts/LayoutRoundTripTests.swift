import Foundation
import Testing
@testable import QuantKit

/// Every built-in layout's encoding, through the seam alone: a quantized tensor's codes handed
/// to the layout's `CodeEncoding` in batches of any length, its auxiliary members, then the
/// layout's `decode` of those bytes, must give back the codes, scales and zero points (the
/// scales as rounded to the layout's `scaleStorage`), whatever the batch lengths.
@Suite struct LayoutRoundTripTests {
    /// A captured member: name, dtype, shape and bytes as a writer would store them.
    struct Member {
        let info: TensorInfo
        let bytes: [UInt8]
    }

    /// The members `layout` writes for `quantized` (the tensor `info`), the codes encoded in
    /// batches of `batch` bytes.
    static func encode(_ quantized: QuantizedTensor, info: TensorInfo, layout: any QuantizedLayout, batch: Int) throws -> [Member] {
        let members = layout.members(of: info, scheme: quantized.scheme)
        let encoder = layout.codeEncoder(for: info, scheme: quantized.scheme)
        encoder.start(scales: quantized.scales, zeroPoints: quantized.zeroPoints)
        var codes: [UInt8] = []
        try quantized.codes.withUnsafeBytes { all in
            for start in stride(from: 0, to: all.count, by: batch) {
                let piece = UnsafeRawBufferPointer(rebasing: all[start ..< min(start + batch, all.count)])
                try encoder.encode(piece) { bytes throws(FileError) in codes += bytes }
            }
            try encoder.encode(UnsafeRawBufferPointer(start: nil, count: 0)) { bytes throws(FileError) in codes += bytes }
        }
        let auxiliary = layout.auxiliaryTensors(of: info, scheme: quantized.scheme, axis: quantized.axis,
                                                scales: quantized.scales, zeroPoints: quantized.zeroPoints)
        return [Member(info: members[0], bytes: codes)]
            + zip(members.dropFirst(), auxiliary).map { Member(info: $0, bytes: $1.bytes) }
    }

    static let schemes: [(name: String, bits: Int, groupSize: Int?)] = [
        ("per-channel", 8, nil), ("per-channel-asymmetric", 4, nil), ("symmetric", 3, nil), ("asymmetric", 2, nil),
        ("group", 4, 16), ("group-asymmetric", 8, 16), ("group-asymmetric", 3, 32), ("per-channel", 2, nil),
    ]
    /// FP8 schemes: the float-quantized layout's only ones, and the `.npz` layout's too.
    static let floatSchemes: [(name: String, bits: Int, groupSize: Int?)] = [
        ("fp8-per-channel", 8, nil), ("fp8", 8, nil), ("fp8-group", 8, 16),
    ]

    static func schemes(of layout: any QuantizedLayout) -> [(name: String, bits: Int, groupSize: Int?)] {
        if layout is FloatQuantizedLayout { return floatSchemes }
        return layout is NPZLayout ? schemes + floatSchemes + [("fp8-e5m2-per-channel", 8, nil)] : schemes
    }

    @Test(arguments: QuantizedLayouts.builtIn.all.map(\.name), [1, 7, 64, 1 << 20])
    func encodingDecodesBack(layoutName: String, batch: Int) throws {
        let layout = try #require(QuantizedLayouts.builtIn.all.first { $0.name == layoutName })
        var random = QuantTestRandom(seed: 7)
        let schemes = Self.schemes(of: layout)
        for (dtype, (name, bits, groupSize)) in zip([DType.float32, .float16, .bfloat16].cycled(schemes.count), schemes) {
            let shape = [5, 96]
            let info = TensorInfo(name: "layer.weight", dtype: dtype, shape: shape)
            let scheme = try #require(QuantScheme(name: name, bits: bits, groupSize: groupSize))
            let values = random.normals(shape.reduce(1, *))
            let floats = values.withUnsafeBytes { Array($0) }
            var codes: [UInt8] = []
            let parameters = try floats.withUnsafeBytes { raw in
                try quantizeFloat32(raw, shape: shape, scheme: scheme, measure: false, threads: 1,
                                    scaleStorage: layout.scaleStorage(for: dtype), batchBytes: .max) { codes += $0 }
            }
            let quantized = QuantizedTensor(scheme: scheme, shape: shape, codes: codes, scales: parameters.scales,
                                            zeroPoints: parameters.zeroPoints, axis: parameters.axis)
            let members = try Self.encode(quantized, info: info, layout: layout, batch: batch)
            let entry = ArchiveMetadata.Entry(name: info.name, scheme: scheme, axis: parameters.axis, shape: shape,
                                              originalDType: dtype, packing: layout.packing(bits: bits))
            #expect(try layout.recordedMembers(of: entry, scheme: scheme).map(\.name) == members.map(\.info.name))
            let loaded = try members.map { try Tensor(dtype: $0.info.dtype, shape: $0.info.shape, bytes: $0.bytes) }
            let decoded = try layout.decode(loaded, members: members.map(\.info), entry: entry, scheme: scheme)
            #expect(decoded.codes == codes, "\(layoutName) \(name) \(bits) bits, batches of \(batch)")
            #expect(decoded.scales == parameters.scales, "\(layoutName) \(name) \(bits) bits")
            #expect(decoded.zeroPoints == parameters.zeroPoints, "\(layoutName) \(name) \(bits) bits")
        }
    }

    @Test func theRegistryFindsEachLayoutByItsRecordAndVariant() throws {
        for layout in QuantizedLayouts.builtIn.all {
            #expect(QuantizedLayouts.builtIn.recorded(format: layout.recordFormat, variant: layout.recordVariant)?.name == layout.name)
            let metadata = ArchiveMetadata(tool: "t", tensors: [], layout: layout)
            #expect(try ArchiveMetadata.decode(metadata.encoded()).layout()?.name == layout.name)
        }
        #expect(QuantizedLayouts.builtIn.output(.npz, variant: nil)?.name == "npz")
        #expect(QuantizedLayouts.builtIn.output(.safetensors, variant: "pack")?.name == "pack-quantized")
        #expect(QuantizedLayouts.builtIn.output(.safetensors, variant: "int")?.name == "int-quantized")
        #expect(QuantizedLayouts.builtIn.output(.safetensors, variant: "float")?.name == "float-quantized")
        #expect(QuantizedLayouts.builtIn.variants(of: .safetensors) == ["pack", "int", "float"])
    }

    @Test func aRecordOfAnUnknownVariantIsRefusedNamingTheKnownOnes() throws {
        var metadata = ArchiveMetadata(tool: "t", tensors: [], layout: PackQuantizedLayout())
        metadata.layoutVariant = "marlin-24"
        #expect(throws: ArchiveError.invalidMetadata("compressed_tensors_format 'marlin-24' is not one of pack-quantized, int-quantized, float-quantized")) {
            try ArchiveMetadata.decode(metadata.encoded())
        }
    }
}

extension Array {
    /// This array's elements repeated until there are `count`.
    func cycled(_ count: Int) -> [Element] {
        (0 ..< count).map { self[$0 % self.count] }
    }
}

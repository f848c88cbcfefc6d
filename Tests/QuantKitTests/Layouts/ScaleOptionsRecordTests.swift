import Foundation
import Testing

@testable import QuantKit

/// How the full symmetric range and a stored scale type reach the files: the record's
/// `symmetric_range` and `scale_dtype` (absent for the defaults, so older records read the
/// same), the `.npz` scale member's dtype, and compressed-tensors' refusal of a scale type
/// other than the weight's.
@Suite struct ScaleOptionsRecordTests {
    static func scheme(_ name: String = "group", bits: Int = 4, range: SymmetricRange = .restricted,
                       scaleDType: DType? = nil) -> QuantScheme {
        var scheme = QuantScheme(name: name, bits: bits, groupSize: name.hasPrefix("group") ? 16 : nil)!
        scheme.symmetricRange = range
        scheme.scaleDType = scaleDType
        return scheme
    }

    static func entryJSON(_ scheme: QuantScheme) throws -> [String: Any] {
        let entry = ArchiveMetadata.Entry(name: "w", scheme: scheme, axis: nil, shape: [4, 32], originalDType: .float32)
        let bytes = ArchiveMetadata(tool: "t", tensors: [entry]).encoded()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        return try #require((object["tensors"] as? [[String: Any]])?.first)
    }

    @Test func defaultsLeaveTheRecordAsItWas() throws {
        let entry = try Self.entryJSON(Self.scheme())
        #expect(entry["symmetric_range"] == nil && entry["scale_dtype"] == nil)
        #expect(Set(entry.keys) == ["name", "scheme", "bits", "group_size", "symmetric", "codes_dtype", "dtype", "shape"])
    }

    @Test func fullRangeAndScaleTypeAreRecordedAndReadBack() throws {
        let scheme = Self.scheme(range: .full, scaleDType: .bfloat16)
        let entry = try Self.entryJSON(scheme)
        #expect(entry["symmetric_range"] as? String == "full")
        #expect(entry["scale_dtype"] as? String == "bfloat16")
        let record = ArchiveMetadata(tool: "t", tensors: [
            ArchiveMetadata.Entry(name: "w", scheme: scheme, axis: nil, shape: [4, 32], originalDType: .float32),
        ])
        let decoded = try ArchiveMetadata.decode(record.encoded())
        #expect(decoded.tensors[0].quantScheme == scheme)
        #expect(decoded.tensors[0].quantScheme?.label == "group (full range, bfloat16 scales)")
    }

    @Test func recordsNoSchemeCanHaveAreRefused() {
        var entry = ArchiveMetadata.Entry(name: "w", scheme: Self.scheme("group-asymmetric"), axis: nil, shape: [4, 32],
                                          originalDType: .float32)
        entry.symmetricRange = "full"
        #expect(entry.quantScheme == nil, "an asymmetric scheme has no full symmetric range")
        entry = ArchiveMetadata.Entry(name: "w", scheme: Self.scheme(), axis: nil, shape: [4, 32], originalDType: .float32)
        entry.symmetricRange = "wide"
        #expect(entry.quantScheme == nil)
        entry.symmetricRange = "restricted"
        #expect(entry.quantScheme == Self.scheme())
        for type in ["int8", "float64", "half"] {
            entry.scaleDtype = type
            #expect(entry.quantScheme == nil, "scale dtype \(type)")
        }
        entry.clipping = "mse"
        entry.scaleDtype = nil
        entry.symmetricRange = "full"
        #expect(entry.quantScheme == nil, "a clipped range has no element to map to -2^(b-1)")
    }

    @Test(arguments: [DType.float16, .bfloat16])
    func npzStoresTheScalesInTheirTypeAndDecodesThemExactly(_ type: DType) throws {
        let layout = NPZLayout()
        let scheme = Self.scheme(range: .full, scaleDType: type)
        let info = TensorInfo(name: "w", dtype: .float32, shape: [4, 32])
        #expect(layout.members(of: info, scheme: scheme)[1] == TensorInfo(name: "w_scale", dtype: type, shape: [4, 2]))
        var random = QuantTestRandom(seed: 2)
        let values = random.normals(128)
        let q = try quantize(values, shape: [4, 32], scheme: scheme)
        let scales = layout.auxiliaryTensors(of: info, scheme: scheme, axis: nil, scales: q.scales, zeroPoints: [])[0]
        #expect(scales.dtype == type && scales.bytes.count == 2 * 8)
        #expect(scales.floatValues()?.map(\.bitPattern) == q.scales.map(\.bitPattern))
        #expect(q.storedByteCount == 4 * 16 + 2 * 8)
    }

    @Test func compressedTensorsTakesOnlyTheWeightsOwnScaleType() {
        let info = TensorInfo(name: "fc.weight", dtype: .bfloat16, shape: [4, 32])
        for layout in [PackQuantizedLayout(), IntQuantizedLayout()] as [any QuantizedLayout] {
            #expect(layout.unsupportedReason(info, scheme: Self.scheme(scaleDType: .bfloat16)) == nil)
            #expect(layout.unsupportedReason(info, scheme: Self.scheme(range: .full)) == nil)
            let reason = layout.unsupportedReason(info, scheme: Self.scheme(scaleDType: .float16))
            #expect(reason == "its scales would be float16, where compressed-tensors loaders make a bfloat16 weight's scales bfloat16")
        }
    }
}

import Foundation
import Testing

@testable import QuantKit

/// Reading a full-range tensor back: its record says `symmetric_range: full`, so a negative
/// scale and the code -2^(b-1) are what it should hold; the same members under a restricted
/// record are flagged, as before.
@Suite struct FullRangeArchiveTests {
    /// An 8-bit per-channel archive in memory: codes `[[-128, 5], [7, -3]]`, scales `scales`,
    /// its record full-range or not.
    static func archive(scales: [Float], full: Bool) throws -> QuantizedArchive {
        var scheme = QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 8)
        scheme.symmetricRange = full ? .full : .restricted
        let entry = ArchiveMetadata.Entry(name: "w", scheme: scheme, axis: 0, shape: [2, 2], originalDType: .float32)
        let record = ArchiveMetadata(tool: "t", tensors: [entry]).encoded()
        let source = InMemoryTensorSource([
            ("w", Tensor(dtype: .int8, shape: [2, 2], integers: [Int8(-128), 5, 7, -3])),
            ("w_scale", Tensor(shape: [2, 1], values: scales)),
            (NPZLayout.metadataName, Tensor(dtype: .uint8, shape: [record.count], integers: record)),
        ])
        return try QuantizedArchive(source: source)
    }

    @Test func negativeScalesReadBackForAFullRangeEntry() throws {
        let archive = try Self.archive(scales: [-0.25, 0.5], full: true)
        let q = try archive.loadQuantized(archive.metadata!.tensors[0])
        #expect(q.scheme.symmetricRange == .full)
        #expect(q.dequantized() == [32, -1.25, 3.5, -1.5])
        let inspection = try Inspection(archive: archive)
        #expect(inspection.problems.isEmpty)
        #expect(inspection.tensors[0].scheme == "per-channel (full range)")
        #expect(inspection.tensors[0].scaleMin == -0.25)
    }

    @Test func aRestrictedEntryStillFlagsANegativeScale() throws {
        let inspection = try Inspection(archive: Self.archive(scales: [-0.25, 0.5], full: false))
        #expect(inspection.problems == ["'w': 'w' has scale -0.25 at position 0; scales must be finite and positive"])
    }

    @Test(arguments: [Float(0), .infinity, .nan])
    func aFullRangeScaleMustBeFiniteAndNonzero(_ bad: Float) throws {
        let inspection = try Inspection(archive: Self.archive(scales: [0.25, bad], full: true))
        #expect(inspection.problems.count == 1)
        #expect(inspection.problems.first?.hasSuffix("full-range scales must be finite and nonzero") == true)
    }
}

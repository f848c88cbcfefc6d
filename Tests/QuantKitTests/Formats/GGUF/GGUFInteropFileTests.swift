import Foundation
import Testing
@testable import QuantKit

/// The file `Tests/interop/gguf_read_back.py` hands to gguf-py's reader: written by our writer
/// to `$GGUF_INTEROP_OUT` when that is set (the test is skipped otherwise). The script knows the
/// same contents; keep the two in step.
@Suite struct GGUFInteropFileTests {
    static let metadata: [GGUFMetadataEntry] = [
        GGUFMetadataEntry("general.architecture", .string(GGUFString("llama"))),
        GGUFMetadataEntry("general.alignment", .uint32(64)),
        GGUFMetadataEntry("test.uint8", .uint8(200)), GGUFMetadataEntry("test.int8", .int8(-100)),
        GGUFMetadataEntry("test.uint16", .uint16(60000)), GGUFMetadataEntry("test.int16", .int16(-30000)),
        GGUFMetadataEntry("test.uint32", .uint32(3_000_000_000)), GGUFMetadataEntry("test.int32", .int32(-7)),
        GGUFMetadataEntry("test.uint64", .uint64(.max)), GGUFMetadataEntry("test.int64", .int64(.min)),
        GGUFMetadataEntry("test.float32", .float32(0.5)), GGUFMetadataEntry("test.float64", .float64(-0.25)),
        GGUFMetadataEntry("test.bool", .bool(true)), GGUFMetadataEntry("test.string", .string(GGUFString("h\u{e9}llo"))),
        GGUFMetadataEntry("test.tokens", .array(.string([GGUFString("<s>"), GGUFString(""), GGUFString("\u{2713}")]))),
        GGUFMetadataEntry("test.floats", .array(.float32([1, -2, 0.125]))),
        GGUFMetadataEntry("test.empty", .array(.int32([]))),
        GGUFMetadataEntry("test.nested", .array(.array([.int32([1, 2]), .string([GGUFString("x")])]))),
    ]

    static let tensors = [
        GGUFTensorDeclaration(name: "f32", type: .f32, dims: [3, 2]),
        GGUFTensorDeclaration(name: "f16", type: .f16, dims: [5]),
        GGUFTensorDeclaration(name: "q4_0", type: .q4_0, dims: [64, 2]),
        GGUFTensorDeclaration(name: "q6_K", type: .q6_K, dims: [256]),
    ]

    /// Tensor `index`'s bytes: byte `i` is `(i * 7 + index) mod 256`.
    static func bytes(of index: Int) -> [UInt8] {
        let count = tensors[index].type.byteCount(elements: tensors[index].dims.reduce(1, *))!
        return (0 ..< count).map { UInt8(truncatingIfNeeded: $0 * 7 + index) }
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["GGUF_INTEROP_OUT"] != nil))
    func writeTheInteropFile() throws {
        let path = ProcessInfo.processInfo.environment["GGUF_INTEROP_OUT"]!
        let writer = try GGUFWriter(path: path, metadata: Self.metadata, tensors: Self.tensors)
        for (index, tensor) in Self.tensors.enumerated() {
            let bytes = Self.bytes(of: index)
            try writer.add(name: tensor.name) { write in
                try bytes.withUnsafeBytes { all in
                    for start in stride(from: 0, to: all.count, by: 9) {
                        try write(UnsafeRawBufferPointer(rebasing: all[start ..< min(start + 9, all.count)]))
                    }
                }
            }
        }
        try writer.finish()
        #expect(try GGUFSource(path: path).metadata == Self.metadata)
    }
}

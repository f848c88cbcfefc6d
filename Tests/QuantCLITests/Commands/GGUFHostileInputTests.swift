import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// Broken and hostile GGUF inputs on the command line: each gets one line naming the file (and
/// the tensor or field), exit status 1, and nothing at the output.
@Suite struct GGUFHostileInputTests {
    let valid = fixture("gguf/pure/tiny_llama.gguf")

    /// How the valid file is broken.
    enum Damage: String, CaseIterable {
        case cutInHeader, cutInData, offsetPastEnd, misalignedOffset, overlappingTensors, unknownType, absurdTensorCount,
             absurdMetadataCount, absurdDimension
    }

    /// The valid file's bytes with `damage` done, and what the one line must say.
    static func damaged(_ bytes: [UInt8], _ damage: Damage) -> (bytes: [UInt8], says: String) {
        var bytes = bytes
        let q = TensorInfoPosition(bytes, name: "blk.0.attn_q.weight")
        let k = TensorInfoPosition(bytes, name: "blk.0.attn_k.weight")
        switch damage {
        case .cutInHeader: return (Array(bytes.prefix(q.typeAt)), "the header declares")
        case .cutInData: return (Array(bytes.prefix(bytes.count - 1000)), "run past the end of the data section")
        case .offsetPastEnd: put(UInt64(bytes.count), at: q.offsetAt, in: &bytes); return (bytes, "blk.0.attn_q.weight")
        case .misalignedOffset:
            put(read(q.offsetAt, in: bytes) + 4, at: q.offsetAt, in: &bytes); return (bytes, "blk.0.attn_q.weight")
        case .overlappingTensors: put(read(q.offsetAt, in: bytes), at: k.offsetAt, in: &bytes); return (bytes, "overlap")
        case .unknownType: put32(99, at: q.typeAt, in: &bytes); return (bytes, "blk.0.attn_q.weight")
        case .absurdTensorCount: put(1 << 40, at: 8, in: &bytes); return (bytes, "1099511627776 tensors")
        case .absurdMetadataCount: put(1 << 40, at: 16, in: &bytes); return (bytes, "1099511627776 metadata entries")
        case .absurdDimension: put(1 << 62, at: q.typeAt - 8, in: &bytes); return (bytes, "blk.0.attn_q.weight")
        }
    }

    @Test(arguments: Damage.allCases)
    func oneLineExitOneNothingWritten(damage: Damage) throws {
        let folder = try TemporaryFolder()
        let (bytes, says) = Self.damaged(try Array(Data(contentsOf: URL(fileURLWithPath: valid))), damage)
        let input = folder.path("bad.gguf")
        try Data(bytes).write(to: URL(fileURLWithPath: input))
        for command in [[input, "-o", folder.path("out.gguf"), "--type", "Q8_0", "--pure"], ["inspect", input],
                        ["dequantize", input, "-o", folder.path("out.npz")]] {
            let result = cli(command)
            #expect(result.status == .failure, "\(damage) \(command[0]): \(result.err)")
            #expect(result.err.hasPrefix("quantize: \(input)") && result.err.filter { $0 == "\n" }.count == 1,
                    "\(damage): \(result.err)")
            #expect(result.err.contains(says), "\(damage): \(result.err)")
            #expect(try folder.contents() == ["bad.gguf"], "\(damage) \(command[0]) left output")
        }
    }

    @Test func theUndamagedFileQuantizes() throws {
        let folder = try TemporaryFolder()
        #expect(cli([valid, "-o", folder.path("out.gguf"), "--type", "Q8_0", "--pure"]).status == .success)
    }
}

/// Where a tensor's type and offset sit in a GGUF header: found by its name's bytes (preceded
/// by their u64 length), then `n_dims` (u32) and the dims (u64 each).
struct TensorInfoPosition {
    let typeAt: Int
    let offsetAt: Int

    init(_ bytes: [UInt8], name: String) {
        let needle = Array(name.utf8)
        var start = 0
        while !(bytes[start ..< start + needle.count].elementsEqual(needle)
                && GGUFHostileInputTests.read(start - 8, in: bytes) == UInt64(needle.count)) {
            start += 1
        }
        let dimensionsAt = start + needle.count
        let dimensionCount = Int(GGUFHostileInputTests.read(dimensionsAt, in: bytes) & 0xFFFF_FFFF)
        typeAt = dimensionsAt + 4 + 8 * dimensionCount
        offsetAt = typeAt + 4
    }
}

extension GGUFHostileInputTests {
    static func read(_ at: Int, in bytes: [UInt8]) -> UInt64 {
        (0 ..< 8).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * $1) }
    }

    static func put(_ value: UInt64, at: Int, in bytes: inout [UInt8]) {
        for i in 0 ..< 8 { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }

    static func put32(_ value: UInt32, at: Int, in bytes: inout [UInt8]) {
        for i in 0 ..< 4 { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }
}

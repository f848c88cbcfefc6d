import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// `quantize --scheme nvfp4 | mxfp4 | mxfp8` against compressed-tensors 0.20.1's own checkpoints
/// of the digits MLP and the edge-case MLP (`Fixtures/mx/library_written_mx.py`), and reading
/// such checkpoints back (`dequantize`, `eval`).
@Suite struct MicroscalingCheckpointTests {
    static let kinds = ["digits", "edge"].flatMap { model in MicroscalingFormat.allCases.map { "\(model)-\($0.rawValue)" } }

    static func input(_ kind: String) -> String {
        kind.hasPrefix("digits") ? fixture("compressed_tensors/digits-float.safetensors") : fixture("mx/edge-mx-float.safetensors")
    }

    /// Our file is the library's, tensor for tensor and byte for byte (codes, scales, global scales, biases).
    @Test(arguments: kinds)
    func safetensorsOutputIsTheLibrarysBytes(kind: String) throws {
        let folder = try TemporaryFolder()
        let output = folder.path("ours.safetensors")
        let format = String(kind.split(separator: "-").last!)
        let result = cli([Self.input(kind), "-o", output, "--scheme", format, "--report", "json"])
        #expect(result.status == .success, "\(result.err)")
        let ours = try storedTensors(output)
        let library = try storedTensors(fixture("mx/library/\(kind)/model.safetensors"))
        #expect(Set(ours.keys) == Set(library.keys))
        for (name, tensor) in library {
            #expect(ours[name] == tensor, "\(kind): \(name)")
        }
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let expectedBits: Double = format == "mxfp8" ? 8.25 : format == "mxfp4" ? 4.25 : 4.5
        #expect(try #require(report["bits_per_weight"] as? Double) > expectedBits - 1e-9)
        #expect((report["tensors"] as? [Any])?.count == 3 && report["kept"] as? [String] == ["fc1.bias", "fc2.bias", "fc3.bias"])
        if kind.hasPrefix("edge") {
            // fc3 is all zeros: reconstructed exactly, infinite SQNR.
            #expect((report["tensors"] as? [[String: Any]])?.last?["sqnr_db"] as? String == "inf")
        }
    }

    /// `dequantize` reads the library's checkpoint. The library decompresses to bfloat16: for the MX
    /// formats (an element times a power of two) ours rounded to bfloat16 equals it (only float32
    /// subnormals round); NVFP4 is `decode(code) · (scale / global scale)` in float32, which the
    /// library computes in bfloat16: ours is within one bfloat16 step of it.
    @Test(arguments: kinds)
    func dequantizeReadsTheLibrarysCheckpoint(kind: String) throws {
        let folder = try TemporaryFolder()
        let output = folder.path("restored.npz")
        let result = cli(["dequantize", fixture("mx/library/\(kind)/model.safetensors"), "-o", output])
        #expect(result.status == .success, "\(result.err)")
        let ours = try loadAll(output)
        let library = try loadAll(fixture("mx/library-decompressed/\(kind).npz"))
        #expect(Set(ours.keys) == Set(library.keys))
        for (name, tensor) in library {
            let mine = try #require(ours[name]?.floatValues())
            let theirs = try #require(tensor.floatValues())
            if kind.hasSuffix("nvfp4"), name.hasSuffix(".weight") {
                let far = zip(mine, theirs).filter { abs($0 - $1) > abs($1) * 0x1p-7 + 0x1p-126 }.count
                #expect(far == 0, "\(kind): \(name): \(far) values beyond a bfloat16 step")
            } else {
                #expect((name.hasSuffix(".weight") ? mine.map(Self.bfloat16) : mine) == theirs, "\(kind): \(name)")
            }
        }
    }

    /// `x` rounded to nearest even in bfloat16 (finite `x`).
    static func bfloat16(_ x: Float) -> Float {
        let bits = x.bitPattern
        return Float(bitPattern: (bits &+ 0x7FFF &+ (bits >> 16 & 1)) & 0xFFFF_0000)
    }

    @Test func badInputIsRefusedInOneLine() throws {
        let folder = try TemporaryFolder()
        let odd = folder.path("odd.safetensors")
        try writeSafetensors([("fc.weight", Tensor(shape: [2, 24], values: [Float](repeating: 1, count: 48)))], to: odd)
        let result = cli([odd, "-o", folder.path("out.safetensors"), "--scheme", "nvfp4"])
        #expect(result.status != .success)
        #expect(result.err.contains("'fc.weight'") && result.err.contains("not whole groups of 16"), "\(result.err)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("out.safetensors")))
        let broken = folder.path("broken.safetensors")
        try writeSafetensors([("fc.weight_packed", try Tensor(dtype: .uint8, shape: [2, 16], bytes: [UInt8](repeating: 0, count: 32))),
                              ("fc.weight_scale", try Tensor(dtype: .uint8, shape: [2, 2], bytes: [127, 127, 127, 127]))], to: broken)
        let read = cli(["dequantize", broken, "-o", folder.path("r.npz")])
        #expect(read.status != .success && read.err.contains("'fc.weight_scale'") && read.err.contains("(2, 1)"), "\(read.err)")
        let conflict = cli([odd, "-o", folder.path("c.safetensors"), "--scheme", "mxfp4", "--group-size", "16"])
        #expect(conflict.status != .success && conflict.err.contains("--group-size"), "\(conflict.err)")
        let layer = cli([odd, "-o", folder.path("l.npz"), "--layer", "fc=mxfp8"])
        #expect(layer.status != .success && layer.err.contains("--layer fc=mxfp8") && layer.err.split(separator: "\n").count == 1,
                "\(layer.err)")
    }
}

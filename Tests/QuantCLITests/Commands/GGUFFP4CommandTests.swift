import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// ggml's FP4 types through the command line, on the pure fixture (2 layers, rows of 256, 96 and
/// 48): the MXFP4_MOE file type, nvfp4 by rule, reading them back, and llama-quantize's refusal
/// of an nvfp4 tensor whose rows are not whole 64-blocks. (The bytes are held to the real
/// llama-quantize's by GGUFQuantizationTests and GGUFMixTests.)
@Suite struct GGUFFP4CommandTests {
    let input = fixture("gguf/pure/tiny_llama.gguf")

    @Test func mxfp4MoeIsQ8ZeroOnADenseModelAndMxfp4WhenPure() throws {
        let folder = try TemporaryFolder()
        for (pure, expected) in [(false, GGMLType.q8_0), (true, .mxfp4)] {
            let output = folder.path("o-\(pure).gguf")
            let result = cli([input, "-o", output, "--type", "mxfp4_moe", "--report", "none"] + (pure ? ["--pure"] : []))
            #expect(result.status == .success, "\(result.err)")
            let types = try GGUFSource(path: output).ggmlTensors.filter { $0.name.hasSuffix("attn_q.weight") }.map(\.type)
            #expect(types == [expected, expected])
        }
    }

    @Test func fp4TensorsReadBackAsGGMLsValues() throws {
        let folder = try TemporaryFolder()
        let quantized = folder.path("q.gguf"), floats = folder.path("f.npz")
        let result = cli([input, "-o", quantized, "--type", "Q8_0", "--tensor-type", "ffn_up=mxfp4",
                          "--tensor-type", "attn_q=nvfp4", "--report", "none"])
        #expect(result.status == .success, "\(result.err)")
        #expect(cli(["dequantize", quantized, "-o", floats]).status == .success)
        let source = try GGUFSource(path: quantized), archive = try NPZSource(path: floats)
        for name in ["blk.0.ffn_up.weight", "blk.1.attn_q.weight"] {
            let tensor = try #require(source.ggmlTensors.first { $0.name == name })
            var blocks: [UInt8] = []
            try source.copyStoredBytes(name, pieceSize: 1 << 20) { blocks += $0 }
            var values = [Float](repeating: .nan, count: tensor.elementCount)
            try blocks.withUnsafeBytes { bytes in
                try values.withUnsafeMutableBufferPointer { try GGMLDequantizers.dequantize(tensor.type, blocks: bytes, into: $0) }
            }
            #expect(try archive.load(name).floatValues()?.map(\.bitPattern) == values.map(\.bitPattern), "\(name)")
        }
        let inspected = cli(["inspect", quantized])
        #expect(inspected.out.contains("mxfp4") && inspected.out.contains("nvfp4"))
    }

    @Test func nvfp4OnRowsThatAreNotWhole64BlocksIsRefusedAsLlamaQuantizeRefuses() throws {
        let folder = try TemporaryFolder()
        let result = cli([input, "-o", folder.path("o.gguf"), "--type", "Q4_0", "--tensor-type", "ffn_down=nvfp4"])
        #expect(result.status == .failure)
        #expect(result.err == "quantize: \(input): 'blk.0.ffn_down.weight': rows of 96 are not a multiple of nvfp4's 64, "
            + "and llama-quantize has no type to fall back to from nvfp4 (it refuses the model)\n")
        #expect(try folder.contents().isEmpty)
    }

    /// A tensor kept by `--exclude` is not quantized, so the missing nvfp4 fallback does not
    /// refuse it: the others get nvfp4 and it stays in its input type.
    @Test func aKeptTensorNeedsNoNVFP4Fallback() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("o.gguf")
        let result = cli([input, "-o", output, "--type", "Q4_0", "--tensor-type", "ffn_(down|up)=nvfp4", "--exclude", "ffn_down",
                          "--report", "none"])
        #expect(result.status == .success, "\(result.err)")
        func types(_ path: String) throws -> [String: GGMLType] {
            Dictionary(uniqueKeysWithValues: try GGUFSource(path: path).ggmlTensors.map { ($0.name, $0.type) })
        }
        let (ours, original) = (try types(output), try types(input))
        #expect(ours["blk.0.ffn_down.weight"] == original["blk.0.ffn_down.weight"] && ours["blk.0.ffn_up.weight"] == .nvfp4,
                "\(ours)")
    }
}

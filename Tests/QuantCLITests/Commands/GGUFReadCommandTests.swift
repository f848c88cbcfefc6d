import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// `inspect`, `dequantize` and `eval` on GGUF files holding ggml block types.
@Suite struct GGUFReadCommandTests {
    let tinyLlama = fixture("gguf/pure/tiny_llama.gguf")

    /// tiny_llama quantized by `quantize --pure` to `type`, in `folder`.
    func quantizedTinyLlama(_ type: String, in folder: TemporaryFolder) throws -> String {
        let output = folder.path("tiny-\(type).gguf")
        let result = cli([tinyLlama, "-o", output, "--type", type, "--pure", "--report", "none"])
        try #require(result.status == .success, "\(result.err)")
        return output
    }

    /// The totals are llama-quantize's own size lines for these files (its log: "model size =
    /// 0.20 MiB (19.48 BPW)" for the input, "quant size = 0.10 MiB (9.15 BPW)" for Q8_0; see
    /// GGUFPureCommandTests).
    @Test func inspectTotalsAreLlamaCppsSizeLines() throws {
        let folder = try TemporaryFolder()
        let input = cli(["inspect", tinyLlama])
        #expect(input.status == .success)
        #expect(input.out.contains("\n23 tensors, 87680 elements, 0.20 MiB (19.48 BPW)\n"))
        let q8 = cli(["inspect", try quantizedTinyLlama("Q8_0", in: folder)])
        #expect(q8.status == .success)
        #expect(q8.out.contains("\n23 tensors, 87680 elements, 0.10 MiB (9.15 BPW)\n"))
        #expect(q8.out.contains("consistent: every tensor where llama.cpp expects it, every block scale finite\n"))
        #expect(q8.out.hasSuffix("note: general.file_type 7 is llama.cpp's Q8_0\n"))
    }

    @Test func inspectJSONListsEveryTensorWithItsTypeAndPlace() throws {
        let folder = try TemporaryFolder()
        let path = try quantizedTinyLlama("Q4_K_M", in: folder)
        let result = cli(["inspect", path, "--json"])
        #expect(result.status == .success)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let source = try GGUFSource(path: path)
        let tensors = try #require(object["tensors"] as? [[String: Any]])
        #expect(tensors.map { $0["name"] as? String } == source.ggmlTensors.map(\.name))
        #expect(tensors.map { $0["type"] as? String } == source.ggmlTensors.map(\.type.description))
        #expect(tensors.map { ($0["offset"] as? NSNumber)?.uint64Value } == source.ggmlTensors.map(\.offset))
        #expect(object["version"] as? Int == 3 && object["alignment"] as? Int == 32)
        #expect((object["metadata"] as? [[String: Any]])?.first?["value"] as? String == "\"llama\"")
        #expect((object["problems"] as? [Any])?.isEmpty == true)
    }

    @Test func inspectFailsOnNonFiniteScales() throws {
        let folder = try TemporaryFolder()
        let path = try quantizedTinyLlama("Q8_0", in: folder)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let source = try GGUFSource(path: path)
        let output = try source.ggmlTensor("output.weight")
        let start = Int(source.header.dataStart + output.offset) + 34  // the second block's d
        bytes[start] = 0x00
        bytes[start + 1] = 0x7C
        try bytes.write(to: URL(fileURLWithPath: path))
        let result = cli(["inspect", path])
        #expect(result.status == .failure)
        #expect(result.out.contains("1 problem:\n  - 'output.weight': 1 of 256 q8_0 blocks have a NaN or infinite scale "
                                    + "(the first: block 1); llama.cpp's validation refuses them and they read as NaN\n"))
    }

    @Test func dequantizeWritesGGMLsValuesAndCountsTheBlockTensors() throws {
        let folder = try TemporaryFolder()
        let path = try quantizedTinyLlama("Q4_K_M", in: folder)
        for name in ["out.npz", "out.safetensors"] {
            let output = folder.path(name)
            let result = cli(["dequantize", path, "-o", output])
            #expect(result.status == .success, "\(result.err)")
            #expect(result.out == "\(output): 16 tensors dequantized to float32, 7 copied\n")
            let written = try loadAll(output)
            let source = try GGUFSource(path: path)
            #expect(written.count == source.tensors.count)
            for info in source.tensors {
                let tensor = try #require(written[info.name])
                let read = try source.load(info.name)
                #expect(tensor.dtype == info.dtype && tensor.shape == info.shape && tensor.bytes == read.bytes)
            }
        }
    }

    @Test func dequantizeRefusesOtherBlockTypesInOneLineAndWritesNothing() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("iq.gguf")
        let writer = try GGUFWriter(path: path, metadata: [], tensors: [GGUFTensorDeclaration(name: "w", type: .tq2_0, dims: [256, 1])])
        try [UInt8](repeating: 0, count: 66).withUnsafeBytes { try writer.add(name: "w", bytes: $0) }
        try writer.finish()
        let result = cli(["dequantize", path, "-o", folder.path("out.npz")])
        #expect(result.status == .failure)
        #expect(result.err == "quantize: \(path): 'w': tensor is tq2_0, a ggml type this tool does not read (it reads f32, f16, "
                + "bf16, f64, the integer types, q4_0, q4_1, q5_0, q5_1, q8_0, q2_K, q3_K, q4_K, q5_K, q6_K, mxfp4, nvfp4)\n")
        #expect(try folder.contents() == ["iq.gguf"])
        let inspected = cli(["inspect", path])
        #expect(inspected.status == .success)
        #expect(inspected.out.hasSuffix("note: 1 tensor is of tq2_0, which quantize lists but does not read "
                                        + "(dequantize and eval refuse the file)\n"))
    }

    /// Blocks cut short: the header check names the tensor; dequantize and inspect exit 1 with
    /// that one line and write nothing.
    @Test func truncatedBlocksAreRefusedInOneLine() throws {
        let folder = try TemporaryFolder()
        let path = try quantizedTinyLlama("Q6_K", in: folder)
        let source = try GGUFSource(path: path)
        let last = try #require(source.ggmlTensors.max { $0.offset < $1.offset })
        let end = source.header.dataStart + last.offset + UInt64(last.byteCount)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: end - 1)
        try handle.close()
        let line = "quantize: \(path): '\(last.name)': \(last.byteCount) bytes at offset \(last.offset) run past the end of the "
            + "data section (\(end - 1 - source.header.dataStart) bytes)\n"
        for arguments in [["dequantize", path, "-o", folder.path("out.npz")], ["inspect", path]] {
            let result = cli(arguments)
            #expect(result.status == .failure && result.err == line && result.out.isEmpty, "\(arguments[0])")
        }
        #expect(try folder.contents() == ["tiny-Q6_K.gguf"])
    }

    /// The digits classifier written as a GGUF file, its weights q8_0 (ggml's bytes, see
    /// GGMLLegacyQuantizerTests) and its biases f32.
    func digitsGGUF(in folder: TemporaryFolder) throws -> String {
        let model = try openTensorSource(path: fixture("digits/mlp.npz"))
        let path = folder.path("digits-q8_0.gguf")
        let declarations = model.tensors.map { info in
            GGUFTensorDeclaration(name: info.name, type: info.shape.count == 2 ? .q8_0 : .f32, dims: info.shape.reversed())
        }
        let writer = try GGUFWriter(path: path, metadata: [], tensors: declarations)
        for declaration in declarations {
            let values = try #require(try model.load(declaration.name).floatValues())
            var bytes = [UInt8](repeating: 0, count: try #require(declaration.type.byteCount(elements: values.count)))
            try values.withUnsafeBufferPointer { rows in
                try bytes.withUnsafeMutableBytes {
                    try GGMLQuantizers.quantize(declaration.type, rows: rows, rowLength: declaration.dims[0], into: $0)
                }
            }
            try bytes.withUnsafeBytes { try writer.add(name: declaration.name, bytes: $0) }
        }
        try writer.finish()
        return path
    }

    @Test func evalReadsAGGUFModelAndAGGUFQuantizedOne() throws {
        let folder = try TemporaryFolder()
        let gguf = try digitsGGUF(in: folder)
        let data = ["--input", fixture("digits/test_inputs.npy"), "--labels", fixture("digits/test_labels.npy"), "--report", "json"]
        let compared = cli(["eval", fixture("digits/mlp.npz"), gguf] + data)
        #expect(compared.status == .success, "\(compared.err)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(compared.out.utf8)) as? [String: Any])
        // q8_0 weights (34 bytes a block of 32) and f32 biases, as stored.
        #expect(report["quantized_bytes"] as? Int == (64 * 64 + 32 * 64 + 10 * 32) / 32 * 34 + (64 + 32 + 10) * 4)
        #expect((report["agreement"] as? Double ?? 0) > 0.98)
        let alone = cli(["eval", gguf] + data)
        #expect(alone.status == .success, "\(alone.err)")
    }
}

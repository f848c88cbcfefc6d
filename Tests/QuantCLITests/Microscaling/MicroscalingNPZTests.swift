import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// `quantize IN -o OUT.npz --scheme nvfp4 | mxfp4 | mxfp8`: the safetensors output's members
/// as uint8 (E4M3 bytes as their bit patterns) plus the `__microscaling__` record, read back by
/// our reader exactly as the safetensors output is, and decoded by NumPy with the README's recipe.
@Suite struct MicroscalingNPZTests {
    static let input = fixture("mx/edge-mx-float.safetensors")

    /// Writes `format`'s `.npz` and `.safetensors` outputs of the edge-case MLP into `folder`.
    static func outputs(_ format: MicroscalingFormat, in folder: TemporaryFolder) throws -> (npz: String, safetensors: String) {
        let (npz, safetensors) = (folder.path("out.npz"), folder.path("out.safetensors"))
        for output in [npz, safetensors] {
            let result = cli([input, "-o", output, "--scheme", format.rawValue, "--report", "none"])
            #expect(result.status == .success, "\(result.err)")
        }
        return (npz, safetensors)
    }

    /// Every safetensors member is in the `.npz` with the same bytes and shape, uint8 for the F8_E4M3
    /// ones; the record names each quantized weight's format and shape.
    @Test(arguments: MicroscalingFormat.allCases)
    func npzHoldsTheSafetensorsMembers(format: MicroscalingFormat) throws {
        let folder = try TemporaryFolder()
        let (npz, safetensors) = try Self.outputs(format, in: folder)
        let source = try NPZSource(path: npz)
        let stored = try Dictionary(uniqueKeysWithValues: source.tensors.map { ($0.name, try source.load($0.name)) })
        let library = try storedTensors(safetensors)
        #expect(Set(stored.keys) == Set(library.keys).union([MicroscalingRecord.memberName]))
        for (name, tensor) in library {
            let mine = try #require(stored[name])
            #expect(mine.bytes == tensor.bytes && mine.shape == tensor.shape, "\(name)")
            #expect(mine.dtype == (tensor.dtype == .float8E4M3FN ? .uint8 : tensor.dtype), "\(name)")
        }
        let record = try #require(stored[MicroscalingRecord.memberName]).bytes
        let weights = try MicroscalingRecord.weights(decoding: record)
        #expect(Set(weights.keys) == ["fc1.weight", "fc2.weight", "fc3.weight"])
        #expect(weights["fc1.weight"]?.format == format && weights["fc1.weight"]?.shape == [10, 64])
    }

    /// `dequantize` and re-quantizing read the `.npz` as they read the safetensors file, value for value.
    /// `--compress` deflates the members: the same tensors, a smaller file; refused for safetensors.
    @Test func compressDeflatesTheMembersOnly() throws {
        let folder = try TemporaryFolder()
        let (plain, deflated) = (folder.path("plain.npz"), folder.path("deflated.npz"))
        for (output, extra) in [(plain, [String]()), (deflated, ["--compress"])] {
            let result = cli([Self.input, "-o", output, "--scheme", "nvfp4", "--report", "none"] + extra)
            try #require(result.status == .success, "\(result.err)")
        }
        let (a, b) = (try loadAll(plain), try loadAll(deflated))
        #expect(a.keys.sorted() == b.keys.sorted() && a.keys.allSatisfy { a[$0]!.bytes == b[$0]!.bytes })
        let size = { (path: String) in try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) }
        #expect(try size(deflated) < size(plain))
        let refused = cli([Self.input, "-o", folder.path("x.safetensors"), "--scheme", "nvfp4", "--compress"])
        #expect(refused.status == .usage && refused.err.contains("'--compress' cannot be used with 'safetensors output"), "\(refused.err)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("x.safetensors")))
    }

    @Test(arguments: MicroscalingFormat.allCases)
    func npzReadsBackAsTheSafetensorsOutput(format: MicroscalingFormat) throws {
        let folder = try TemporaryFolder()
        let (npz, safetensors) = try Self.outputs(format, in: folder)
        for command in [["dequantize"], ["--scheme", "per-channel"]] {
            var restored: [[String: Tensor]] = []
            for (index, path) in [npz, safetensors].enumerated() {
                let output = folder.path("restored\(index).npz")
                let arguments = command == ["dequantize"] ? ["dequantize", path, "-o", output] : [path, "-o", output] + command
                let result = cli(arguments + ["--force"])
                #expect(result.status == .success, "\(result.err)")
                restored.append(try loadAll(output))
            }
            #expect(restored[0].keys.sorted() == restored[1].keys.sorted() && restored[0]["fc1.weight"] != nil)
            for (name, tensor) in restored[1] {
                #expect(restored[0][name] == tensor, "\(command): \(name)")
            }
        }
        let inspect = cli(["inspect", npz])
        #expect(inspect.status == .success && inspect.out.contains("fc1.weight"), "\(inspect.err)")
    }

    /// `eval` of the digits MLP gives the same report from the `.npz` as from the safetensors file.
    @Test(arguments: MicroscalingFormat.allCases)
    func evalReadsTheNPZAsTheSafetensors(format: MicroscalingFormat) throws {
        let folder = try TemporaryFolder()
        let float = fixture("compressed_tensors/digits-float.safetensors")
        var reports: [String] = []
        for output in [folder.path("d.npz"), folder.path("d.safetensors")] {
            #expect(cli([float, "-o", output, "--scheme", format.rawValue, "--report", "none"]).status == .success)
            let eval = cli(["eval", float, output, "--input", fixture("digits/test_inputs.npy"),
                            "--labels", fixture("digits/test_labels.npy"), "--report", "json"])
            #expect(eval.status == .success, "\(eval.err)")
            reports.append(eval.out.replacingOccurrences(of: output, with: "OUT"))
        }
        #expect(reports[0] == reports[1] && reports[0].contains("accuracy"), "\(reports)")
    }

    /// A record naming a weight whose members are missing or mistyped is refused in one line.
    @Test func badRecordIsRefusedInOneLine() throws {
        let folder = try TemporaryFolder()
        let record = MicroscalingRecord(tensors: [.init(name: "fc.weight", format: "mxfp4", shape: [2, 64])]).encoded()
        let path = folder.path("bad.npz")
        try writeNPZ([("fc.weight_packed", try Tensor(dtype: .uint8, shape: [2, 32], bytes: [UInt8](repeating: 0, count: 64))),
                      ("fc.weight_scale", Tensor(shape: [2, 2], values: [1, 1, 1, 1])),
                      (MicroscalingRecord.memberName, try Tensor(dtype: .uint8, shape: [record.count], bytes: record))], to: path)
        let result = cli(["dequantize", path, "-o", folder.path("r.npz")])
        #expect(result.status != .success && result.err.split(separator: "\n").count == 1, "\(result.err)")
        #expect(result.err.contains("'fc.weight_scale' uint8 (2, 2)") && result.err.contains("found float32"), "\(result.err)")
        let unknown = Array(#"{"format":"quantize.microscaling","format_version":1,"tool":"t","tensors":[{"name":"fc.weight","format":"fp3","shape":[2,64]}]}"#.utf8)
        try writeNPZ([(MicroscalingRecord.memberName, try Tensor(dtype: .uint8, shape: [unknown.count], bytes: unknown))], to: path)
        let refused = cli(["inspect", path])
        #expect(refused.status != .success && refused.err.contains("unknown format 'fp3'"), "\(refused.err)")
    }

    /// NumPy decodes our `.npz` with the README's recipe to exactly the values `dequantize` gives.
    @Test(.enabled(if: safetensorsPythonAvailable, "python3 with numpy is not available"),
          arguments: MicroscalingFormat.allCases)
    func numpyRecipeDecodesTheNPZAsDequantizeDoes(format: MicroscalingFormat) throws {
        let folder = try TemporaryFolder()
        let (npz, _) = try Self.outputs(format, in: folder)
        let restored = folder.path("restored.npz")
        #expect(cli(["dequantize", npz, "-o", restored]).status == .success)
        let run = try runPython(Self.recipe, [npz, restored])
        #expect(run.status == 0 && run.stdout.contains("3 weights equal"), "\(run.stdout) \(run.stderr)")
    }

    /// The README's NumPy recipe (its microscaling and FP8 sections), applied to every weight the record lists.
    static let recipe = """
        import json, sys
        import numpy as np
        def e4m3fn_table():
            b = np.arange(256)
            e, m = (b >> 3) & 15, (b & 7).astype(np.float64)
            v = np.where(e == 0, m / 8 * 2.0**-6, (1 + m / 8) * 2.0 ** (e - 7))
            v[(e == 15) & (m == 7)] = np.nan
            return np.where(b & 128, -v, v).astype(np.float32)
        E2M1 = np.array([0, .5, 1, 1.5, 2, 3, 4, 6, -0., -.5, -1, -1.5, -2, -3, -4, -6], np.float32)
        def fp4(packed):
            return E2M1[np.stack([packed & 15, packed >> 4], -1).reshape(packed.shape[0], -1)]
        def e8m0(e):
            return np.ldexp(np.float32(1), e.astype(np.int32) - 127).astype(np.float32)
        rep = lambda s, g: np.repeat(s, g, axis=1)
        a = np.load(sys.argv[1], allow_pickle=False)
        restored = np.load(sys.argv[2], allow_pickle=False)
        record = json.loads(bytes(a["__microscaling__"]))
        assert record["format"] == "quantize.microscaling", record
        for t in record["tensors"]:
            M = t["name"][: -len(".weight")]
            if t["format"] == "mxfp4":
                w = fp4(a[M + ".weight_packed"]) * rep(e8m0(a[M + ".weight_scale"]), 32)
            elif t["format"] == "nvfp4":
                w = fp4(a[M + ".weight_packed"]) * rep(e4m3fn_table()[a[M + ".weight_scale"]] / a[M + ".weight_global_scale"], 16)
            else:
                w = e4m3fn_table()[a[M + ".weight"]] * rep(e8m0(a[M + ".weight_scale"]), 32)
            ours = restored[t["name"]]
            assert w.dtype == np.float32 and w.shape == tuple(t["shape"]), (t, w.dtype, w.shape)
            assert np.array_equal(w.view(np.uint32), ours.view(np.uint32)), (t["name"], np.argwhere(w != ours)[:5])
        print(f"{len(record['tensors'])} weights equal")
        """
}

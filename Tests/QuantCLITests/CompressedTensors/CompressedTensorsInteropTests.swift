import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// Whether `python3` with NumPy and the `safetensors` package can run here.
let safetensorsPythonAvailable: Bool = {
    (try? runPython("import numpy, safetensors.numpy"))?.status == 0
}()

/// Our compressed-tensors files read by the reference `safetensors` package and unpacked with
/// the NumPy port of compressed-tensors' `unpack_from_int32` (Fixtures/compressed_tensors/reference.py),
/// compared with the codes of our npz archive of the same input. Skipped, with the reason,
/// where python3 with NumPy and safetensors is missing.
@Suite(.enabled(if: safetensorsPythonAvailable,
                "python3 with numpy and safetensors is not available; compressed-tensors interoperability is not tested"))
struct CompressedTensorsInteropTests {
    static let check = """
        import json, sys
        import numpy as np
        from safetensors import safe_open
        from safetensors.numpy import load_file
        sys.path.insert(0, sys.argv[1])
        from reference import unpack_from_int32
        checked = 0
        args = sys.argv[2:]
        for i in range(0, len(args), 3):
            ct_path, npz_path, ct_format = args[i:i + 3]
            ct = load_file(ct_path)
            with safe_open(ct_path, "np") as f:
                assert f.metadata()["format"] == "pt", f.metadata()
            a = np.load(npz_path, allow_pickle=False)
            meta = json.loads(bytes(a["__quantization__"]))

            def npz_codes(t):
                # The README's recipe: codes of 4 bits or fewer are packed, least significant bits first.
                p, b, n = a[t["name"]], t["bits"], t["shape"][-1]
                if t.get("packing") != "lsb-first":
                    return p.astype(np.int64)
                bits = np.unpackbits(p, axis=-1, bitorder="little")[..., : n * b].reshape(*p.shape[:-1], n, b)
                return (bits.astype(np.int64) << np.arange(b)).sum(-1) - (2 ** (b - 1) if t["symmetric"] else 0)

            names = set()
            for t in meta["tensors"]:
                n, bits, sym = t["name"], t["bits"], t["symmetric"]
                m = n[: -len(".weight")]
                out, cols = t["shape"]
                per_channel = t.get("axis") is not None
                half = 1 << (bits - 1)
                ours = npz_codes(t) - (0 if sym else half)
                where = f"{ct_path}: {n}"
                if ct_format == "pack":
                    packed = ct[m + ".weight_packed"]
                    assert packed.dtype == np.int32 and packed.shape == (out, -(-cols * bits // 32)), where
                    shape = ct[m + ".weight_shape"]
                    assert shape.dtype == np.int64 and shape.tolist() == [out, cols], where
                    codes = unpack_from_int32(packed, bits, tuple(shape.tolist()))
                    names |= {m + ".weight_packed", m + ".weight_shape"}
                else:
                    codes = ct[n]
                    assert codes.dtype == np.int8 and codes.shape == (out, cols), where
                    names.add(n)
                assert np.array_equal(codes.astype(np.int64), ours), where
                scale = ct[m + ".weight_scale"]
                assert scale.dtype == np.float32 and scale.shape == ((out, 1) if per_channel else (1,)), where
                assert np.array_equal(scale.reshape(-1), a[n + "_scale"].reshape(-1)), where
                names.add(m + ".weight_scale")
                if sym:
                    zero_point = np.zeros_like(scale, dtype=np.int64)
                else:
                    stored = ct[m + ".weight_zero_point"]
                    names.add(m + ".weight_zero_point")
                    if ct_format == "pack" and per_channel:
                        assert stored.dtype == np.int32 and stored.shape == (-(-out * bits // 32), 1), where
                        zero_point = unpack_from_int32(stored, bits, (out, 1), packed_dim=0)
                    else:
                        assert stored.dtype == np.int8 and stored.shape == scale.shape, where
                        zero_point = stored
                    expected = a[n + "_zero_point"].astype(np.int64).reshape(-1) - half
                    assert np.array_equal(zero_point.astype(np.int64).reshape(-1), expected), where
                # What a compressed-tensors loader computes: (codes - zero_point) * scale.
                w = ((codes.astype(np.float32) - zero_point.astype(np.float32).reshape(scale.shape)) * scale).astype(np.float32)
                z = a[n + "_zero_point"].astype(np.float32) if not sym else np.float32(0)
                w_ours = ((npz_codes(t).astype(np.float32) - z) * a[n + "_scale"]).astype(np.float32)
                assert np.array_equal(w, w_ours), where
                checked += 1
            kept = set(ct) - names
            for k in kept:
                assert np.array_equal(ct[k], a[k]), f"{ct_path}: {k}"
            assert kept == set(a.files) - {"__quantization__"} - {t["name"] + s for t in meta["tensors"] for s in ("", "_scale", "_zero_point")}, kept
        print(f"ok {checked}")
        """

    @Test(arguments: ["pack", "int"])
    func referenceSafetensorsReadsOurFilesAndUnpacksToOurCodes(ctFormat: String) throws {
        let folder = try TemporaryFolder()
        let input = folder.path("model.safetensors")
        try SmallCheckpoint.write(to: input)
        var arguments = [packageRoot.appendingPathComponent("Fixtures/compressed_tensors").path]
        for scheme in SchemeBits.all {
            let stem = folder.path("\(scheme.scheme)-\(scheme.bits)")
            let options = ["--scheme", scheme.scheme, "--bits", "\(scheme.bits)", "--report", "none"]
            try #require(cli([input, "-o", stem + ".npz"] + options).status == .success)
            try #require(cli([input, "-o", stem + ".safetensors", "--ct-format", ctFormat] + options).status == .success)
            arguments += [stem + ".safetensors", stem + ".npz", ctFormat]
        }
        let result = try runPython(Self.check, arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "ok \(SchemeBits.all.count * SmallCheckpoint.weights.count)\n")
    }
}

import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// Both directions between NumPy and `quantize`. Skipped, with the reason, where `python3`
/// with NumPy is missing (the rest of the suite does not need it).
@Suite(.enabled(if: numpyAvailable, "python3 with NumPy is not available; NumPy interoperability is not tested"))
struct NumPyInteropTests {
    @Test func numpyLoadsOurArchiveWithoutPickleAndReconstructsIt() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("out.npz")
        let example = fixture("example/mlp.npz")
        #expect(cli([example, "-o", output, "--layer", "fc2=asymmetric", "--compress"]).status == .success)
        let check = try runPython("""
            import json, sys, numpy as np
            a = np.load(sys.argv[1], allow_pickle=False)
            x = np.load(sys.argv[2], allow_pickle=False)
            meta = json.loads(bytes(a["__quantization__"]))
            assert [t["name"] for t in meta["tensors"]] == ["fc1.weight", "fc2.weight", "fc3.weight"], meta
            for t in meta["tensors"]:
                n = t["name"]
                zp = a[n + "_zero_point"] if (n + "_zero_point") in a else np.int32(0)
                w = ((a[n].astype(np.float32) - zp.astype(np.float32)) * a[n + "_scale"]).astype(np.float32)
                s = a[n + "_scale"]
                assert np.all(np.abs(w - x[n]) <= s / 2 + 2**-24 * (np.abs(w) + np.abs(x[n]))), n
            assert a["fc2.weight"].dtype == np.uint8 and a["fc1.weight"].dtype == np.int8
            assert np.array_equal(a["fc1.bias"], x["fc1.bias"])
            print("ok")
            """, [output, example])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout == "ok\n")
    }

    @Test(arguments: ["savez", "savez_compressed"])
    func numpyFilesOfEveryFloatLayoutQuantizeExactlyAsTheReference(writer: String) throws {
        let folder = try TemporaryFolder()
        let input = folder.path("model.npz")
        let reference = folder.path("reference.npz")
        let made = try runPython("""
            import sys
            sys.path.insert(0, sys.argv[3])
            import numpy as np
            from numpy_reference import quantize_archive
            rng = np.random.default_rng(7)
            arrays = {
                "layers/0/weight": rng.standard_normal((16, 8)).astype(np.float32),
                "layers/0/bias": rng.standard_normal(16).astype(np.float32),
                "half": rng.standard_normal((4, 6)).astype(np.float16),
                "double": rng.standard_normal((5, 3)),
                "big_endian": rng.standard_normal((3, 7)).astype(">f4"),
                "fortran": np.asfortranarray(rng.standard_normal((6, 5)).astype(np.float32)),
                "conv": rng.standard_normal((4, 3, 2, 2)).astype(np.float32),
                "tokens": np.arange(12, dtype=np.int64).reshape(3, 4),
                "mask": np.array([[True, False], [False, True]]),
            }
            getattr(np, sys.argv[4])(sys.argv[1], **arrays)
            as_float32 = {k: (v.astype(np.float32) if v.dtype.kind == "f" else v) for k, v in arrays.items()}
            np.savez(sys.argv[2], **quantize_archive(as_float32))
            """, [input, reference, packageRoot.appendingPathComponent("Fixtures").path, writer])
        try #require(made.status == 0, "\(made.stderr)")
        let output = folder.path("out.npz")
        let result = cli([input, "-o", output])
        #expect(result.status == .success, "\(result.err)")
        let ours = try loadAll(output)
        let expected = try loadAll(reference)
        #expect(Set(ours.keys) == Set(expected.keys))
        for (name, tensor) in expected where name != NPZLayout.metadataName {
            #expect(ours[name] == tensor, "\(name) differs from the NumPy reference")
        }
        let entries = try #require(try metadata(of: output)).tensors
        #expect(entries.map(\.name) == ["layers/0/weight", "half", "double", "big_endian", "fortran", "conv"])
        #expect(entries.map(\.dtype) == ["float32", "float16", "float64", "float32", "float32", "float32"])
    }
}

/// `eval`'s numbers against an independent NumPy computation of the same model, inputs and
/// schemes (Fixtures/digits/numpy_eval.py), skipped with the reason where NumPy is missing.
@Suite(.enabled(if: numpyAvailable, "python3 with NumPy is not available; eval is not cross-checked against NumPy"))
struct EvalAgainstNumPyTests {
    @Test func compareMatchesTheNumPyEvaluation() throws {
        let model = fixture("digits/mlp.npz")
        let inputs = fixture("digits/test_inputs.npy")
        let labels = fixture("digits/test_labels.npy")
        let numpy = try runProcess("/usr/bin/env", ["python3", fixture("digits/numpy_eval.py"), model, inputs, labels])
        try #require(numpy.status == 0, "\(numpy.stderr)")
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(numpy.stdout.utf8)) as? [[String: Any]])
        let ours = cli(["eval", model, "--input", inputs, "--labels", labels, "--compare", "--report", "json"])
        // The min-max rows (NumPy's reference is round to nearest with min-max scales).
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(ours.out.utf8)) as? [[String: Any]])
            .filter { $0["method"] as? String == "rtn" }
        #expect(expected.count == 16 && rows.count == 16)
        for reference in expected {
            let scheme = try #require(reference["scheme"] as? String)
            let bits = try #require(reference["bits"] as? Int)
            let row = try #require(rows.first { $0["scheme"] as? String == scheme && $0["bits"] as? Int == bits })
            // Counts over 450 rows: exactly equal. MSE: float32 sums in another order.
            #expect(row["accuracy"] as? Double == reference["accuracy"] as? Double, "\(scheme) \(bits)")
            #expect(row["accuracy_fp32"] as? Double == reference["accuracy_fp32"] as? Double)
            #expect(row["agreement"] as? Double == reference["agreement"] as? Double, "\(scheme) \(bits)")
            let mse = try #require(row["output_mse"] as? Double)
            let numpyMSE = try #require(reference["output_mse"] as? Double)
            #expect(abs(mse - numpyMSE) <= 1e-3 * numpyMSE, "\(scheme) \(bits): \(mse) vs \(numpyMSE)")
        }
    }
}

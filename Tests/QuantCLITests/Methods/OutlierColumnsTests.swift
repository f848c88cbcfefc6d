import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// `--keep-outliers`: input columns with large calibration inputs stay in float16 beside the codes.
@Suite struct OutlierColumnsTests {
    let model = fixture("digits/mlp.npz")
    let inputs = fixture("digits/test_inputs.npy")
    let labels = fixture("digits/test_labels.npy")
    let calibration = fixture("digits/calibration_inputs.npy")

    @Test func archiveKeepsTheColumnsInFloat16AndEvaluatesAsInMemory() throws {
        let folder = try TemporaryFolder()
        let archive = folder.path("outliers.npz")
        let options = ["--bits", "2", "--keep-outliers", "2", "--calibration", calibration]
        let written = cli([model, "-o", archive, "--report", "json"] + options)
        try #require(written.status == .success, "\(written.err)")
        let stored = try loadAll(archive)
        let metadata = try ArchiveMetadata.decode(try #require(stored[NPZLayout.metadataName]).bytes)
        let original = try loadAll(model)
        let restored = folder.path("restored.npz")
        #expect(cli(["dequantize", archive, "-o", restored]).status == .success)
        let dequantized = try loadAll(restored)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(written.out.utf8)) as? [String: Any])
        let lines = try #require(report["tensors"] as? [[String: Any]])
        var kept = 0
        for entry in metadata.tensors {
            // fc1's inputs are pixels in [0, 1]: no column of it exceeds 2.
            guard let count = entry.outlierColumns else {
                #expect(stored[entry.name + "_outliers"] == nil)
                continue
            }
            kept += count
            let (out, columnCount) = (entry.shape[0], entry.shape[1])
            let columns = try #require(stored[entry.name + "_outlier_columns"])
            let values = try #require(stored[entry.name + "_outliers"])
            #expect(columns.dtype == .int32 && columns.shape == [count])
            #expect(values.dtype == .float16 && values.shape == [out, count])
            // The kept columns come back as the float16 rounding of the original weights.
            let indices: [Int] = columns.bytes.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }.map { Int($0) }
            let weight = try #require(original[entry.name]?.floatValues())
            let back = try #require(dequantized[entry.name]?.floatValues())
            for row in 0 ..< out {
                for column in indices {
                    let expected = Float(Float16(weight[row * columnCount + column]) as Float16)
                    #expect(back[row * columnCount + column] == expected)
                }
            }
            // The report counts their bytes: an int32 index and a float16 per kept value.
            let line = try #require(lines.first { $0["name"] as? String == entry.name })
            let codes = out * ((columnCount * 2 + 7) / 8)
            #expect(line["bytes_after"] as? Int == codes + 4 * out + 4 * count + 2 * out * count)
        }
        #expect(kept > 0)
        // The archive evaluates exactly as the in-memory quantization does.
        let inMemory = cli(["eval", model, "--input", inputs, "--labels", labels, "--report", "json"] + options)
        let fromArchive = cli(["eval", model, archive, "--input", inputs, "--labels", labels, "--report", "json"])
        let a = try #require(try JSONSerialization.jsonObject(with: Data(inMemory.out.utf8)) as? [String: Any])
        let b = try #require(try JSONSerialization.jsonObject(with: Data(fromArchive.out.utf8)) as? [String: Any])
        #expect(a["accuracy_quantized"] as? Double == b["accuracy_quantized"] as? Double)
        #expect(a["output_mse"] as? Double == b["output_mse"] as? Double)
        #expect(a["quantized_bytes"] as? Int == b["quantized_bytes"] as? Int)
        let inspected = cli(["inspect", archive])
        #expect(inspected.status == .success)
        #expect(!inspected.out.contains("_outliers"))
    }

    /// At 2 bits, keeping the columns fed by large inputs lowers the output error.
    @Test func outlierColumnsLowerTheOutputErrorAtTwoBits() throws {
        func mse(_ extra: [String]) throws -> Double {
            let result = cli(["eval", model, "--input", inputs, "--labels", labels, "--report", "json", "--bits", "2"] + extra)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
            return try #require(report["output_mse"] as? Double)
        }
        #expect(try mse(["--keep-outliers", "2", "--calibration", calibration]) < mse([]))
    }

    @Test func outliersNeedCalibrationAndAnNPZOutput() {
        let alone = cli([model, "-o", "unused.npz", "--keep-outliers", "2"])
        #expect(alone.status == .usage)
        #expect(alone.err.contains("'--keep-outliers' requires '--calibration"))
        let safetensors = cli([model, "-o", "unused.safetensors", "--keep-outliers", "2", "--calibration", calibration])
        #expect(safetensors.status == .usage)
        #expect(safetensors.err.contains("'--keep-outliers' cannot be used with 'safetensors output"))
    }
}

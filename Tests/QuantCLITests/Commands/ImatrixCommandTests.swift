import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// `quantize imatrix MODEL --calibration X.npy -o OUT.gguf`.
@Suite struct ImatrixCommandTests {
    let model = fixture("gguf/imatrix/mlp256.npz")
    let calibration = fixture("gguf/imatrix/calibration.npy")

    @Test func writesTheLibrarysImportanceMatrixAndQuantizeReadsIt() throws {
        let folder = try TemporaryFolder()
        let output = folder.path("imatrix.gguf")
        let result = cli(["imatrix", model, "--calibration", calibration, "-o", output,
                          "--rename", "fc1.weight=blk.0.ffn_up.weight"])
        #expect(result.status == .success, "\(result.err)")
        #expect(result.out == "blk.0.ffn_up.weight: 256 columns, 12 rows\nfc2.weight: 16 columns, 12 rows\n")
        let network = try FloatNetwork(source: openTensorSource(path: model))
        let rows = try EvaluationData(inputPath: calibration, labelsPath: nil, width: 256, classes: 8)
        let library = folder.path("library.gguf")
        try writeImportanceMatrix(layerImportance(network, rows: rows, activation: .relu,
                                                  rename: ["fc1.weight": "blk.0.ffn_up.weight"]),
                                  datasets: [calibration], chunkCount: 1, chunkSize: 12, to: library)
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == Data(contentsOf: URL(fileURLWithPath: library)))
        let matrix = try ImportanceMatrix.load(path: output)
        #expect(matrix.datasets == [calibration] && matrix.chunkCount == 1)
        #expect(Set(matrix.weights.keys) == ["blk.0.ffn_up.weight", "fc2.weight"])
    }

    @Test func refusalsAreOneLine() throws {
        let folder = try TemporaryFolder()
        let unknown = cli(["imatrix", model, "--calibration", calibration, "-o", folder.path("m.gguf"), "--rename", "fc9.weight=x"])
        #expect(unknown.status == .usage)
        #expect(unknown.err.hasPrefix("quantize: invalid value 'fc9.weight' for '--rename': expected a layer weight of"))
        let notGGUF = cli(["imatrix", model, "--calibration", calibration, "-o", folder.path("m.dat")])
        #expect(notGGUF.err.contains("expected a .gguf file (llama.cpp's importance matrix format)"))
        let wrongWidth = cli(["imatrix", fixture("example/mlp.npz"), "--calibration", calibration, "-o", folder.path("m.gguf")])
        #expect(wrongWidth.status == .failure)
        #expect(try folder.contents().isEmpty)
    }
}

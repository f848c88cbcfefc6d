import Foundation
import Testing
@testable import QuantKit

/// `layerImportance` and `writeImportanceMatrix` against Fixtures/gguf/imatrix
/// (make_native_imatrix_fixtures.py): NumPy's llama-imatrix statistics of mlp256.npz on
/// calibration.npy, and what the real llama-quantize wrote with them for mlp256.gguf.
@Suite struct LayerImportanceTests {
    struct Output: Decodable {
        let size: Int
        let sha256: String
    }

    static let expected: [String: Output] = {
        let data = try! Data(contentsOf: ImatrixFixture.folder.appendingPathComponent("native_expected.json"))
        return try! JSONDecoder().decode([String: Output].self, from: data)
    }()

    private func temporaryPath(_ name: String) -> String {
        "\(NSTemporaryDirectory())/native-imatrix-\(getpid())-\(UUID().uuidString)-\(name)"
    }

    /// Our statistics, written as `quantize imatrix` writes them, recording the dataset as the
    /// fixture script did.
    private func writeOurs(to path: String) throws -> [ImportanceStatistics] {
        let network = try FloatNetwork(source: openTensorSource(path: ImatrixFixture.path("mlp256.npz")))
        let rows = try EvaluationData(inputPath: ImatrixFixture.path("calibration.npy"), labelsPath: nil, width: 256,
                                      classes: 8)
        let statistics = layerImportance(network, rows: rows, activation: .relu)
        try writeImportanceMatrix(statistics, datasets: ["calibration.npy"], chunkCount: 1, chunkSize: 12, to: path)
        return statistics
    }

    /// fc1's sums (the calibration rows themselves) equal NumPy's bit for bit; fc2's inputs come
    /// from the float forward pass, whose blocked GEMM sums in another order than NumPy's
    /// reference loop, so they agree to float32 rounding (1e-5 relative).
    @Test func sumsEqualNumPysAndTheFileIsLaidOutAsLlamaImatrixWritesIt() throws {
        let path = temporaryPath("imatrix.gguf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let statistics = try writeOurs(to: path)
        let reference = try GGUFSource(path: ImatrixFixture.path("native_imatrix.gguf"))
        let ours = try GGUFSource(path: path)
        #expect(ours.metadata == reference.metadata)
        #expect(ours.ggmlTensors.map(\.name) == reference.ggmlTensors.map(\.name))
        #expect(ours.ggmlTensors.map(\.dims) == reference.ggmlTensors.map(\.dims))
        let fc1 = try #require(try reference.load("fc1.weight.in_sum2").floatValues())
        #expect(try ours.load("fc1.weight.in_sum2").floatValues()!.map(\.bitPattern) == fc1.map(\.bitPattern))
        let fc2 = try #require(try reference.load("fc2.weight.in_sum2").floatValues())
        for (a, b) in zip(try ours.load("fc2.weight.in_sum2").floatValues()!, fc2) {
            #expect(abs(a - b) <= 1e-5 * max(abs(b), 1e-6))
        }
        #expect(try ours.load("fc1.weight.counts").floatValues() == [12])
        #expect(statistics.map(\.count) == [12, 12])
    }

    /// The GGUF made from the MLP, quantized with our importance matrix, is what llama-quantize
    /// wrote with NumPy's (fc2, 16 wide, goes to f16, which reads no weights).
    @Test(arguments: ["Q4_0", "Q5_1", "Q2_K", "Q3_K_S", "Q4_K_M", "Q5_K_S", "Q6_K"])
    func quantizedWithOurImatrixIsLlamaQuantizesOutput(type: String) throws {
        let imatrix = temporaryPath("imatrix.gguf"), output = temporaryPath("\(type).gguf")
        defer {
            try? FileManager.default.removeItem(atPath: imatrix)
            try? FileManager.default.removeItem(atPath: output)
        }
        _ = try writeOurs(to: imatrix)
        let importance = GGUFImportance(matrix: try ImportanceMatrix.load(path: imatrix), recordedPath: "native_imatrix.gguf")
        _ = try quantizeGGUF(input: ImatrixFixture.path("mlp256.gguf"), output: output,
                             options: .pure(type, importance: importance), threads: 2)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: output)))
        let expected = try #require(Self.expected[type])
        #expect(bytes.count == expected.size)
        #expect(sha256Hex(bytes) == expected.sha256)
    }

    @Test func statisticsSumSquaresRowAfterRow() {
        let statistics = ImportanceStatistics(name: "w", rows: [1, -2, 3, 0.5, 1e-3, 4], columns: 2)
        #expect(statistics.sumsOfSquares == [Float(1) + 9 + 1e-6, 4 + 0.25 + 16])
        #expect(statistics.count == 3)
    }
}

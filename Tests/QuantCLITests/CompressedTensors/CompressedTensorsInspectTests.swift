import Foundation
import QuantKit
import Testing

@testable import QuantCLI

@Suite struct CompressedTensorsInspectTests {
    /// Quantizes the small checkpoint into `folder` as safetensors with `options`.
    func quantized(in folder: TemporaryFolder, _ options: [String]) throws -> String {
        let input = folder.path("model.safetensors")
        try SmallCheckpoint.write(to: input)
        let output = folder.path("quantized.safetensors")
        let result = cli([input, "-o", output, "--report", "none"] + options)
        try #require(result.status == .success, "\(result.err)")
        return output
    }

    /// A copy of the safetensors file `path` at `brokenPath`, its `__metadata__` kept, with
    /// `change` applied to its tensors (name, tensor) in file order.
    func brokenCopy(of path: String, at brokenPath: String, _ change: (inout [(String, Tensor)]) throws -> Void) throws {
        var tensors = try loadAllInOrder(path)
        try change(&tensors)
        try writeSafetensors(tensors, to: brokenPath, metadata: try openTensorSource(path: path).headerMetadata)
    }

    @Test(arguments: ["pack", "int"], [SchemeBits(scheme: "symmetric", bits: 8), SchemeBits(scheme: "per-channel-asymmetric", bits: 3)])
    func inspectListsEachQuantizedTensorOnceUnderItsNameAndShape(ctFormat: String, scheme: SchemeBits) throws {
        let folder = try TemporaryFolder()
        let output = try quantized(in: folder, ["--ct-format", ctFormat, "--scheme", scheme.scheme, "--bits", "\(scheme.bits)"])
        let table = cli(["inspect", output])
        #expect(table.status == .success, "\(table.err)")
        let names = SmallCheckpoint.tensors().map(\.0)
        let rows = table.out.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
        for name in names {
            #expect(rows.filter { $0 == name }.count == 1, "\(name) is listed once")
        }
        for member in ["_packed", "_scale", "_zero_point", "weight_shape"] {
            #expect(!table.out.contains(member), "the member '\(member)' is folded into its tensor")
        }
        #expect(table.out.contains("6 tensors, 4 quantized"))

        let json = cli(["inspect", output, "--json"])
        #expect(json.status == .success)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        #expect((object["problems"] as? [Any])?.isEmpty == true)
        let tensors = try #require(object["tensors"] as? [[String: Any]])
        #expect(tensors.compactMap { $0["name"] as? String } == names)
        let shapes = Dictionary(uniqueKeysWithValues: SmallCheckpoint.tensors().map { ($0.0, $0.1.shape) })
        for tensor in tensors {
            let name = try #require(tensor["name"] as? String)
            #expect(tensor["shape"] as? [Int] == shapes[name], "\(name)")
            let isWeight = SmallCheckpoint.weights.contains { $0.name == name }
            #expect((tensor["scheme"] as? String) == (isWeight ? scheme.scheme : nil), "\(name)")
        }
        // The bytes of a quantized tensor are those of all its members.
        let header = try RawSafetensorsHeader(path: output)
        #expect(tensors.compactMap { $0["bytes"] as? Int }.reduce(0, +) == header.dataBytes)
    }

    @Test func aWrongWeightShapeIsAProblem() throws {
        let folder = try TemporaryFolder()
        let output = try quantized(in: folder, ["--scheme", "symmetric", "--bits", "4"])
        let broken = folder.path("broken.safetensors")
        try brokenCopy(of: output, at: broken) { tensors in
            let index = try #require(tensors.firstIndex { $0.0 == "layers.0.q.weight_shape" })
            tensors[index].1 = try Tensor(dtype: .int64, shape: [2], bytes: [5, 34].flatMap { littleEndian(Int64($0)) })
        }
        let result = cli(["inspect", broken])
        #expect(result.status == .failure)
        #expect(result.out.contains("'layers.0.q.weight': 'layers.0.q.weight_shape' has shape (5, 34), expected (5, 33)"))
        #expect(result.out.contains("1 problem"))
        let restored = folder.path("restored.npz")
        let dequantized = cli(["dequantize", broken, "-o", restored])
        #expect(dequantized.status == .failure)
        #expect(dequantized.err.contains("layers.0.q.weight_shape"))
        #expect(!FileManager.default.fileExists(atPath: restored))
    }

    @Test func aCodeOutsideTheSchemeRangeIsAProblem() throws {
        let folder = try TemporaryFolder()
        let output = try quantized(in: folder, ["--ct-format", "int", "--scheme", "symmetric", "--bits", "4"])
        let broken = folder.path("broken.safetensors")
        try brokenCopy(of: output, at: broken) { tensors in
            let index = try #require(tensors.firstIndex { $0.0 == "layers.0.q.weight" })
            var bytes = tensors[index].1.bytes
            bytes[34] = 100  // row 1, column 1; outside -8...7
            tensors[index].1 = try Tensor(dtype: .int8, shape: [5, 33], bytes: bytes)
        }
        let result = cli(["inspect", broken])
        #expect(result.status == .failure)
        #expect(result.out.contains("'layers.0.q.weight' has code 100 at index [1, 1] outside -8...7"))
    }

    @Test func aZeroPointOutsideTheSchemeRangeIsAProblem() throws {
        let folder = try TemporaryFolder()
        let output = try quantized(in: folder, ["--ct-format", "int", "--scheme", "per-channel-asymmetric", "--bits", "4"])
        let broken = folder.path("broken.safetensors")
        try brokenCopy(of: output, at: broken) { tensors in
            let index = try #require(tensors.firstIndex { $0.0 == "head.weight_zero_point" })
            var bytes = tensors[index].1.bytes
            bytes[2] = 100  // stored signed: ours is 108, outside 0...15
            tensors[index].1 = try Tensor(dtype: .int8, shape: [3, 1], bytes: bytes)
        }
        let result = cli(["inspect", broken])
        #expect(result.status == .failure)
        #expect(result.out.contains("'head.weight_zero_point' has code 108 at index [2, 0] outside 0...15"))
    }

    @Test func aNegativeScaleIsAProblem() throws {
        let folder = try TemporaryFolder()
        let output = try quantized(in: folder, ["--scheme", "per-channel", "--bits", "8"])
        let broken = folder.path("broken.safetensors")
        try brokenCopy(of: output, at: broken) { tensors in
            let index = try #require(tensors.firstIndex { $0.0 == "proj.weight_scale" })
            var scales = floats(tensors[index].1)
            scales[2] = -1
            tensors[index].1 = Tensor(shape: [33, 1], values: scales)
        }
        let result = cli(["inspect", broken])
        #expect(result.status == .failure)
        #expect(result.out.contains("'proj.weight': 'proj.weight' has scale -1.0 at position 2; scales must be finite and positive"))
    }

    @Test func packedCodesOfTheWrongDTypeOrAMissingScaleAreProblems() throws {
        let folder = try TemporaryFolder()
        let output = try quantized(in: folder, ["--scheme", "asymmetric", "--bits", "2"])
        let broken = folder.path("broken.safetensors")
        try brokenCopy(of: output, at: broken) { tensors in
            tensors = try tensors.compactMap { name, tensor in
                switch name {
                case "layers.0.k.weight_packed": (name, try Tensor(dtype: .float32, shape: tensor.shape, bytes: tensor.bytes))
                case "head.weight_scale": nil
                default: (name, tensor)
                }
            }
        }
        let result = cli(["inspect", broken])
        #expect(result.status == .failure)
        #expect(result.out.contains("2 problems"))
        #expect(result.out.contains("'layers.0.k.weight_packed' is float32, expected int32"))
        #expect(result.out.contains("quantized tensor 'head.weight' has no 'head.weight_scale' member"))
    }
}

import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// `inspect` names what a weight read dequantized stores: a microscaled weight's format (from a
/// safetensors file or our `.npz`), an FP8 tensor without scales beside it, and counts the bytes
/// of its members rather than the float32 it reads as.
@Suite struct MicroscalingInspectTests {
    static let descriptions: [MicroscalingFormat: String] = [
        .nvfp4: "nvfp4 (E2M1, E4M3 scale per 16, global scale)",
        .mxfp4: "mxfp4 (E2M1, E8M0 scale per 32)",
        .mxfp8: "mxfp8 (E4M3, E8M0 scale per 32)",
    ]

    @Test(arguments: MicroscalingFormat.allCases)
    func inspectNamesTheMicroscaledFormat(format: MicroscalingFormat) throws {
        let folder = try TemporaryFolder()
        let safetensors = folder.path("out.safetensors")
        #expect(cli([fixture("mx/edge-mx-float.safetensors"), "-o", safetensors, "--scheme", format.rawValue]).status == .success)
        let npz = folder.path("out.npz")
        #expect(cli([fixture("mx/edge-mx-float.safetensors"), "-o", npz, "--scheme", format.rawValue]).status == .success)
        let members = try storedTensors(safetensors).filter { $0.key.hasPrefix("fc1.") && $0.key != "fc1.bias" }
        let bytes = members.values.reduce(0) { $0 + $1.bytes.count }
        let description = try #require(Self.descriptions[format])
        for path in [safetensors, npz] {
            let table = cli(["inspect", path])
            #expect(table.status == .success, "\(table.err)")
            let line = try #require(table.out.split(separator: "\n").first { $0.hasPrefix("fc1.weight ") })
            #expect(line.contains(description) && line.hasSuffix(" \(bytes) B"), "\(line)")
            let json = cli(["inspect", path, "--json"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
            let tensors = try #require(object["tensors"] as? [[String: Any]])
            let fc1 = try #require(tensors.first { $0["name"] as? String == "fc1.weight" })
            #expect(fc1["dtype"] as? String == description && fc1["bytes"] as? Int == bytes && fc1["shape"] as? [Int] == [10, 64])
            // Every Linear weight counts as quantized, and nothing else does.
            let linears = tensors.filter { ($0["name"] as? String)?.hasSuffix(".weight") == true && ($0["shape"] as? [Int])?.count == 2 }
            #expect(object["quantized_tensors"] as? Int == linears.count && linears.count >= 2)
            #expect(table.out.contains("\(linears.count) quantized"))
        }
    }

    /// FP8 tensors without compressed-tensors scales (plain, and DeepSeek's 128x128 `weight_scale_inv`).
    @Test func inspectNamesStoredFP8() throws {
        let result = cli(["inspect", fixture("fp8/deepseek-block.safetensors"), "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        let dtypes = Dictionary(uniqueKeysWithValues: try #require(object["tensors"] as? [[String: Any]]).map {
            ($0["name"] as? String ?? "", $0["dtype"] as? String ?? "")
        })
        #expect(dtypes["plain.weight"] == "F8_E4M3" && dtypes["e5m2.weight"] == "F8_E5M2")
        #expect(dtypes["w.weight"] == "F8_E4M3 x 128x128 weight_scale_inv" && dtypes["norm.weight"] == "float32")
    }
}

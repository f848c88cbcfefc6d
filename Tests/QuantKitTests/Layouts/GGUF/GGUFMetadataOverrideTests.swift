import Testing
@testable import QuantKit

@Suite struct GGUFMetadataOverrideTests {
    @Test func valuesAreWrittenAsLlamaQuantizeWritesThem() throws {
        // The written values llama-quantize gave (Fixtures/gguf/mix, the --override-kv run).
        #expect(try #require(GGUFMetadataOverride(parsing: "tiny.count=int:-7")).metadataValue == .uint32(7))
        #expect(try #require(GGUFMetadataOverride(parsing: "tiny.scale=float:0.1")).metadataValue == .float32(0.1))
        #expect(try #require(GGUFMetadataOverride(parsing: "tiny.flag=bool:true")).metadataValue == .bool(true))
        #expect(try #require(GGUFMetadataOverride(parsing: "general.name=str:a=b:c")).metadataValue
            == .string(GGUFString("a=b:c")))
        // |value| modulo 2^32, as `(uint32_t)std::abs(int64)`.
        #expect(try #require(GGUFMetadataOverride(parsing: "k=int:4294967297")).metadataValue == .uint32(1))
    }

    @Test func numbersAreReadAsCsAtolAndAtofReadThem() throws {
        #expect(GGUFMetadataOverride(parsing: "k=int: 12abc")?.value == .integer(12))
        #expect(GGUFMetadataOverride(parsing: "k=int:abc")?.value == .integer(0))
        #expect(GGUFMetadataOverride(parsing: "k=float:1e3x")?.value == .float(1000))
    }

    @Test(arguments: ["no-equals", "=int:1", "k=foo:1", "k=int", "k=bool:yes", "k=bool:True",
                      "k=str:" + String(repeating: "x", count: 128), String(repeating: "k", count: 128) + "=int:1"])
    func whatLlamaCppRefusesIsRefused(text: String) {
        #expect(GGUFMetadataOverride(parsing: text) == nil)
    }

    @Test func theLongestKeyAndStringAre127Bytes() {
        #expect(GGUFMetadataOverride(parsing: String(repeating: "k", count: 127) + "=str:" + String(repeating: "x", count: 127))
            != nil)
    }

    @Test func eachOverrideMovesItsKeyToTheEnd() throws {
        var options = GGUFQuantizationOptions.pure("Q8_0")
        options.metadataOverrides = [try #require(GGUFMetadataOverride(parsing: "a=int:5")),
                                     try #require(GGUFMetadataOverride(parsing: "general.file_type=int:3"))]
        let metadata = [GGUFMetadataEntry("a", .string(GGUFString("x"))), GGUFMetadataEntry("b", .uint8(1))]
        let keys = GGUFPlan.outputMetadata(metadata, options: options).map { $0.key.description }
        #expect(keys == ["b", "general.quantization_version", "a", "general.file_type"])
    }
}

import Testing
@testable import QuantKit

@Suite struct LlamaFileTypeTests {
    @Test(arguments: [("q4_k_m", "Q4_K_M", 15, GGMLType.q4_K), ("Q4_K", "Q4_K_M", 15, .q4_K), ("q4_K_s", "Q4_K_S", 14, .q4_K),
                      ("Q3_K", "Q3_K_M", 12, .q3_K), ("q3_k_l", "Q3_K_L", 13, .q3_K), ("q5_k", "Q5_K_M", 17, .q5_K),
                      ("Q2_K", "Q2_K", 10, .q2_K), ("q6_k", "Q6_K", 18, .q6_K), ("Q8_0", "Q8_0", 7, .q8_0),
                      ("q4_0", "Q4_0", 2, .q4_0), ("f32", "F32", 0, .f32), ("F16", "F16", 1, .f16), ("bf16", "BF16", 32, .bf16), ("Q4_1", "Q4_1", 3, .q4_1), ("q5_0", "Q5_0", 8, .q5_0), ("Q5_1", "Q5_1", 9, .q5_1)])
    func namesInAnyCaseGiveLlamaCppsNumberAndTheirOneType(name: String, canonical: String, number: UInt32, type: GGMLType) throws {
        let fileType = try #require(LlamaFileType(named: name))
        #expect(fileType.name == canonical)
        #expect(fileType.number == number)
        #expect(fileType.tensorType == type)
    }

    @Test(arguments: ["F64", "IQ2_XXS", "Q4_K_X", "Q8_K", ""])
    func otherNamesAreNotTypes(name: String) {
        #expect(LlamaFileType(named: name) == nil)
    }

    @Test func everyTensorTypeHasAQuantizer() {
        for fileType in LlamaFileType.all {
            #expect(GGMLQuantizers.types.contains(fileType.tensorType))
        }
    }
}

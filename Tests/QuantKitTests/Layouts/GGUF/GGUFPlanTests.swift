import Testing
@testable import QuantKit

/// A header tensor for the plan (offsets and sizes do not matter to it).
private func tensor(_ name: String, _ dims: [Int], _ type: GGMLType = .f32) -> GGUFTensorInfo {
    GGUFTensorInfo(name: name, type: type, dims: dims, offset: 0, byteCount: 0)
}

private func plan(_ tensors: [GGUFTensorInfo], _ type: String = "Q4_K_M",
                  metadata: [GGUFMetadataEntry] = []) throws -> GGUFPlan {
    try GGUFPlan(metadata: metadata, tensors: tensors, options: .pure(type))
}

@Suite struct GGUFPlanTests {
    @Test func onlyTwoDimensionalWeightsOutsideTheExceptionsAreQuantized() throws {
        let names = ["token_embd.weight", "output.weight", "blk.0.attn_q.weight", "blk.0.attn_norm.weight",
                     "blk.0.ffn_gate_inp.weight", "position_embd.weight", "token_types.weight", "blk.0.attn_q.bias",
                     "blk.0.ssm_conv1d.weight", "v.patch_embd.weight", "rope_freqs.weight"]
        let result = try plan(names.map { tensor($0, [256, 4]) } + [tensor("blk.0.ffn_up.weight", [256, 1, 1])])
        let quantized = Set(result.tensors.filter(\.isQuantized).map(\.name))
        #expect(quantized == ["token_embd.weight", "output.weight", "blk.0.attn_q.weight", "rope_freqs.weight"])
        #expect(result.tensors.allSatisfy { $0.isQuantized ? $0.outputType == .q4_K : $0.outputType == .f32 })
    }

    @Test(arguments: [("Q2_K", GGMLType.q4_0), ("Q3_K_S", .q4_0), ("Q4_K_S", .q5_0), ("Q5_K_M", .q5_1), ("Q6_K", .q8_0)])
    func narrowRowsFallBackAsLlamaQuantizeDoesAndSaySo(type: String, fallback: GGMLType) throws {
        let result = try plan([tensor("blk.0.ffn_down.weight", [96, 256]), tensor("blk.0.ffn_up.weight", [256, 96])], type)
        let down = result.tensors[0], up = result.tensors[1]
        #expect(down.outputType == fallback)
        #expect(down.fallback?.contains("rows of 96 are not a multiple of") == true)
        #expect(up.fallback == nil && up.outputType == LlamaFileType(named: type)?.tensorType)
    }

    @Test func legacyTypesNeedNoFallbackForRowsOf96() throws {
        let entry = try plan([tensor("w.weight", [96, 4])], "Q5_1").tensors[0]
        #expect(entry.outputType == .q5_1 && entry.fallback == nil)
    }

    @Test(arguments: [("Q4_0", GGMLType.q4_0), ("Q8_0", .q8_0), ("Q4_K_M", .q4_K), ("Q6_K", .q6_K)])
    func rowsNoBlockFitsFallBackToF16(type: String, chosen: GGMLType) throws {
        let entry = try plan([tensor("w.weight", [48, 4])], type).tensors[0]
        #expect(entry.outputType == .f16)
        #expect(entry.fallback == "rows of 48 are not a multiple of \(chosen)'s \(chosen.blockSize); f16 as llama-quantize falls back")
    }

    @Test(arguments: [("F32", GGMLType.f32), ("F16", .f16), ("BF16", .bf16)])
    func floatTypesConvertEveryWeightAndNeverFallBack(type: String, float: GGMLType) throws {
        let result = try plan([tensor("a.weight", [48, 4], .bf16), tensor("b.weight", [96, 4], .f16),
                               tensor("c.weight", [256, 4], .f32), tensor("n.bias", [256, 4], .f16)], type)
        #expect(result.tensors.map(\.outputType) == [float, float, float, .f16])
        #expect(result.tensors.allSatisfy { $0.fallback == nil })
    }

    @Test func blockTypeTensorsAreCopiedWhenAlreadyTheTargetAndRefusedOtherwise() throws {
        let same = try plan([tensor("w.weight", [256, 4], .q4_K)]).tensors[0]
        #expect(!same.isQuantized && same.outputType == .q4_K)
        #expect(throws: GGUFQuantizationError.requantize(tensor: "w.weight", from: .q8_0, to: .q4_K)) {
            try plan([tensor("w.weight", [256, 4], .q8_0)])
        }
        #expect(throws: GGUFQuantizationError.notFloat(tensor: "w.weight", type: .i32)) {
            try plan([tensor("w.weight", [256, 4], .i32)])
        }
    }

    @Test func tensorsAreOrderedByLayerThenByNameBytes() throws {
        let names = ["blk.10.a.weight", "output.weight", "blk.2.b.weight", "blk.2.a.weight", "Z.weight", "a.weight",
                     "blk.x.weight"]
        let ordered = try plan(names.map { tensor($0, [256]) }).tensors.map(\.name)
        #expect(ordered == ["Z.weight", "a.weight", "blk.x.weight", "output.weight", "blk.2.a.weight", "blk.2.b.weight",
                            "blk.10.a.weight"])
        #expect(GGUFPlan.layer(of: "blk.-3.x") == -3 && GGUFPlan.layer(of: "blk.7") == 7)
    }

    @Test func metadataKeepsItsOrderThenGetsTheTwoKeysLast() throws {
        let metadata = [GGUFMetadataEntry("general.architecture", .string(GGUFString("llama"))),
                        GGUFMetadataEntry("general.file_type", .uint32(1)),
                        GGUFMetadataEntry("general.quantization_version", .uint32(1)),
                        GGUFMetadataEntry("split.count", .uint16(2)),
                        GGUFMetadataEntry("llama.block_count", .uint32(2))]
        let result = try plan([], "Q5_K_M", metadata: metadata)
        #expect(result.metadata == [metadata[0], metadata[4],
                                    GGUFMetadataEntry("general.quantization_version", .uint32(2)),
                                    GGUFMetadataEntry("general.file_type", .uint32(17))])
    }

    @Test func anAlignmentOtherThan32IsRefused() throws {
        #expect(throws: GGUFQuantizationError.alignment(64)) {
            try plan([], metadata: [GGUFMetadataEntry("general.alignment", .uint32(64))])
        }
        _ = try plan([], metadata: [GGUFMetadataEntry("general.alignment", .uint32(32))])
    }
}

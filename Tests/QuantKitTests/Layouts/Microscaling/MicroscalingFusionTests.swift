import Testing

@testable import QuantKit

/// NVFP4's shared global scales: Llama's q/k/v and gate/up fused per module, BERT's apart.
@Suite struct MicroscalingFusionTests {
    @Test func llamaProjectionsFuseAndBertsDoNot() {
        let llama = ["model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.k_proj.weight",
                     "model.layers.0.self_attn.v_proj.weight", "model.layers.0.self_attn.o_proj.weight",
                     "model.layers.0.mlp.gate_proj.weight", "model.layers.0.mlp.up_proj.weight", "model.layers.0.mlp.down_proj.weight",
                     "model.layers.1.self_attn.q_proj.weight", "model.layers.1.self_attn.k_proj.weight", "model.layers.1.mlp.up_proj.weight"]
        #expect(MicroscalingFusion.groups(llama) == [
            ["model.layers.0.self_attn.k_proj.weight", "model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.v_proj.weight"],
            ["model.layers.0.mlp.gate_proj.weight", "model.layers.0.mlp.up_proj.weight"],
            ["model.layers.1.self_attn.k_proj.weight", "model.layers.1.self_attn.q_proj.weight"],
        ])
        let bert = ["encoder.layer.0.attention.self.query.weight", "encoder.layer.0.attention.self.key.weight",
                    "encoder.layer.0.attention.self.value.weight", "encoder.layer.0.intermediate.dense.weight"]
        #expect(MicroscalingFusion.groups(bert).isEmpty)
    }

    /// The fused scale is the global scale of the largest amax, the smallest of the group's.
    @Test func fusedGlobalScaleIsTheSmallest() {
        let scales = [0.5, 3, 448].map { MicroscaledTensor.globalScale(amax: Float($0)) }
        #expect(MicroscaledTensor.fusedGlobalScale(amaxes: [0.5, 3, 448]) == scales.min())
        // All zeros: 2688 / 2^-126 overflows, and the library falls back to 1.
        #expect(MicroscaledTensor.globalScale(amax: 0) == 1)
    }
}

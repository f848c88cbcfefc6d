import Testing
@testable import QuantKit

/// What a report says beyond its table: the kept tensors grouped by role, the layout's notes,
/// then the rounding note, in that order, each only when it applies.
@Suite struct PlanNoteTests {
    static let tensors = [
        TensorInfo(name: "model.embed_tokens.weight", dtype: .float32, shape: [32, 8]),
        TensorInfo(name: "model.layers.0.mlp.up_proj.weight", dtype: .float32, shape: [16, 8]),
        TensorInfo(name: "model.norm.weight", dtype: .float32, shape: [8]),
    ]

    static func rules(scaleRule: ScaleRule = .reference, symmetric: Bool = true) -> SelectionRules {
        var scheme = QuantScheme(symmetric: symmetric, granularity: .perGroup(size: 4), bits: 4)
        scheme.scaleRule = scaleRule
        var rules = SelectionRules(defaultScheme: scheme)
        rules.moduleRoles = ModuleRoles()
        return rules
    }

    @Test func keptTensorsAreGroupedByRole() throws {
        let plan = try QuantizationPlan(tensors: Self.tensors, rules: Self.rules())
        let notes = plan.notes(layout: NPZLayout(), roles: ModuleRoles())
        #expect(notes.count == 1)
        #expect(notes[0].description.hasSuffix("an embedding table: model.embed_tokens.weight"))
    }

    @Test func thePackedLayoutsNoteComesBeforeTheRoundingNote() throws {
        let plan = try QuantizationPlan(tensors: Self.tensors, rules: Self.rules(scaleRule: .compressedTensors, symmetric: false),
                                        layout: PackQuantizedLayout())
        let notes = plan.notes(layout: PackQuantizedLayout(), roles: ModuleRoles())
        #expect(notes.map(\.description).dropFirst() == [LayoutNote.packedZeroPoints.description,
                                                         PlanNote.compressedTensorsRounding.description])
        #expect(try QuantizationPlan(tensors: Self.tensors, rules: Self.rules(symmetric: false), layout: IntQuantizedLayout())
            .notes(layout: IntQuantizedLayout(), roles: ModuleRoles()).count == 1)
    }
}

import Foundation
import Testing
@testable import QuantKit

/// Names are their bytes: NFC and NFD spellings of one text are two names everywhere a name is
/// compared, hashed or matched.
@Suite struct ExactNameTests {
    static let composed = "\u{E9}.weight"
    static let decomposed = "e\u{301}.weight"

    @Test func canonicallyEquivalentStringsAreDifferentNames() {
        #expect(Self.composed == Self.decomposed)  // what Swift's String says
        #expect(ExactName(Self.composed) != ExactName(Self.decomposed))
        #expect(Set([ExactName(Self.composed), ExactName(Self.decomposed)]).count == 2)
        #expect(!Self.composed.isSameName(as: Self.decomposed))
        #expect(Self.composed.isSameName(as: "\u{E9}.weight"))
    }

    @Test func namesOrderByBytes() {
        #expect(ExactName("B") < ExactName("a"))
        #expect(ExactName(Self.decomposed) < ExactName(Self.composed))  // 0x65 before 0xC3
    }

    @Test func selectionRulesMatchScalarsNotEquivalence() throws {
        let rules = SelectionRules(defaultScheme: QuantScheme(name: "per-channel"), layers: [try LayerRule(pattern: Self.composed, scheme: nil)])
        let composed = TensorInfo(name: Self.composed, dtype: .float32, shape: [2, 2])
        let decomposed = TensorInfo(name: Self.decomposed, dtype: .float32, shape: [2, 2])
        #expect(rules.scheme(for: composed) == nil)
        #expect(rules.scheme(for: decomposed) != nil)
    }

    @Test func npzWithBothSpellingsHoldsTwoTensors() throws {
        let path = try temporaryZipPath("names.npz")
        defer { removeTemporary(path) }
        let writer = try NPZWriter(path: path, displayPath: path, compressed: false)
        try writer.add(name: Self.composed, tensor: Tensor(shape: [2], values: [1, 2]))
        try writer.add(name: Self.decomposed, tensor: Tensor(shape: [2], values: [3, 4]))
        try writer.finish()
        let source = try NPZSource(path: path)
        #expect(source.tensors.map(\.name.utf8.count) == [9, 10])
        #expect(try source.load(Self.composed).floatValues() == [1, 2])
        #expect(try source.load(Self.decomposed).floatValues() == [3, 4])
    }

    @Test func planKeepsBothSpellingsApart() throws {
        let tensors = [Self.composed, Self.decomposed].map { TensorInfo(name: $0, dtype: .float32, shape: [2, 2]) }
        let plan = try QuantizationPlan(tensors: tensors, rules: SelectionRules(defaultScheme: QuantScheme(name: "per-channel")))
        #expect(plan.outputTensors.count == 4)
    }
}

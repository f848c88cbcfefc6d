import Testing

@testable import QuantKit

@Suite struct GGMLTypeTests {
    @Test func descriptionIsGGMLsTypeName() {
        #expect(GGMLType.q4_0.description == "q4_0")
        #expect(GGMLType.q6_K.description == "q6_K")
        #expect("\(GGMLType.iq2_xxs)" == "iq2_xxs")
        #expect("\(GGMLType.bf16)" == "bf16")
        #expect(Set(GGMLType.allCases.map(\.description)).count == GGMLType.allCases.count)
    }
}

import Testing

@testable import QuantKit

@Suite struct NetworkLayoutTests {
    @Test(arguments: [("fc2", "fc10"), ("layers.2.fc", "layers.10.fc"), ("a", "b"), ("fc1", "fc1a"), ("x9", "x09a"),
                      ("layer007", "layer8"), ("1", "a")])
    func naturalOrderComparesDigitRunsAsNumbers(first: String, second: String) {
        #expect(naturallyPrecedes(first, second))
        #expect(!naturallyPrecedes(second, first))
    }

    @Test func digitRunsLongerThanAnIntegerStillCompare() {
        #expect(naturallyPrecedes("w99999999999999999999999", "w100000000000000000000000"))
    }

    @Test func layersAreOrderedNaturallyWithOptionalBiasesAndTheRestIgnored() throws {
        let layout = try NetworkLayout(tensors: [
            TensorInfo(name: "fc10.weight", dtype: .float32, shape: [3, 5]),
            TensorInfo(name: "fc2.weight", dtype: .float16, shape: [5, 4]),
            TensorInfo(name: "fc2.bias", dtype: .float32, shape: [5]),
            TensorInfo(name: "norm.weight", dtype: .float32, shape: [5]),
            TensorInfo(name: "steps", dtype: .int64, shape: []),
        ])
        #expect(layout.layers.map(\.prefix) == ["fc2", "fc10"])
        #expect(layout.layers.map(\.biasName) == ["fc2.bias", nil])
        #expect(layout.inFeatures == 4 && layout.outFeatures == 3)
        #expect(layout.ignored == ["norm.weight", "steps"])
    }

    @Test func brokenChainListsTheChainAndWhereItBreaks() {
        #expect(throws: NetworkError.brokenChain(chain: ["fc1 (3 -> 4)", "fc2 (6 -> 5)"], layer: "fc2", takes: 6,
                                                 previous: "fc1", gives: 4)) {
            try NetworkLayout(tensors: [TensorInfo(name: "fc2.weight", dtype: .float32, shape: [5, 6]),
                                        TensorInfo(name: "fc1.weight", dtype: .float32, shape: [4, 3])])
        }
        let message = NetworkError.brokenChain(chain: ["fc1 (3 -> 4)", "fc2 (6 -> 5)"], layer: "fc2", takes: 6,
                                               previous: "fc1", gives: 4).description
        #expect(message == "the layers do not chain: fc1 (3 -> 4), fc2 (6 -> 5); 'fc2' takes 6 inputs but 'fc1' gives 4")
    }

    @Test func modelWithoutTwoDimensionalWeightsHasNoLayers() {
        #expect(throws: NetworkError.noLayers) {
            try NetworkLayout(tensors: [TensorInfo(name: "fc1.weight", dtype: .float32, shape: [4]),
                                        TensorInfo(name: "fc2.weight", dtype: .int8, shape: [4, 4])])
        }
    }

    @Test func biasOfTheWrongShapeIsRefused() {
        #expect(throws: NetworkError.badBias(name: "fc1.bias", shape: [3], dtype: .float32, expected: [4])) {
            try NetworkLayout(tensors: [TensorInfo(name: "fc1.weight", dtype: .float32, shape: [4, 2]),
                                        TensorInfo(name: "fc1.bias", dtype: .float32, shape: [3])])
        }
    }
}

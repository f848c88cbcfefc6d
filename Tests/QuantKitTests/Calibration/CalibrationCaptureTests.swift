import Testing

@testable import QuantKit

/// The capture is each layer's input: the rows, then each earlier layer's activated output.
struct CalibrationCaptureTests {
    @Test func eachLayerSeesThePreviousLayersActivatedOutput() {
        let network = SeamNetwork()
        for activation in [Activation.relu, .gelu, .none] {
            let capture = CalibrationCapture(layers: network.layers, rows: network.rows, activation: activation)
            #expect(capture.layerInputs.count == 2)
            #expect(capture.layerInputs[0].values == network.rows.inputs)
            var hidden = network.layers[0].forward(network.rows.inputs, batch: 32)
            activation.apply(&hidden)
            #expect(capture.layerInputs[1].values == hidden)
            #expect(capture.layerInputs.allSatisfy { $0.samples == 32 })
        }
    }

    @Test func reluInputsAreNeverNegative() {
        let network = SeamNetwork()
        let capture = CalibrationCapture(layers: network.layers, rows: network.rows, activation: .relu)
        #expect(capture.layerInputs[1].values.allSatisfy { $0 >= 0 })
        #expect(capture.layerInputs[1].values.contains { $0 > 0 })
    }
}

/// What quantization costs a model on some data: the float and quantized networks run on
/// the same rows, compared at the output and layer by layer.
public struct Evaluation: Sendable {
    /// One layer's line: its weight scheme and the SQNR of its output (before the activation).
    public struct LayerLine: Sendable {
        public let name: String
        public let outFeatures: Int
        public let inFeatures: Int
        /// nil: the weight is kept in float.
        public let scheme: QuantScheme?
        /// The layer alone, fed the float network's activations.
        public let sqnrAloneDB: Double
        /// The quantized network up to and including this layer.
        public let sqnrCumulativeDB: Double
    }

    /// How the two compute paths compare (see `ComputePath`).
    public struct PathCheck: Sendable {
        /// Top-1 agreement between the whole network run with `dequant` and with `int8`.
        public let agreement: Double
        /// The largest `|int8 - dequant|` of any quantized layer's outputs, each layer fed the
        /// float network's activations.
        public let maxDeviation: Double
        /// The largest ratio of that deviation to `QuantizedLinear.int8DeviationBound`: at most 1
        /// when the paths agree as the math predicts.
        public let maxBoundRatio: Double
    }

    public let samples: Int
    public let compute: ComputePath
    public let output: OutputComparison
    public let accuracyFloat: Double?
    public let accuracyQuantized: Double?
    public let layers: [LayerLine]
    public let floatBytes: Int
    public let quantizedBytes: Int
    /// nil when no layer is quantized, or when a layer has group-wise scales (which only the
    /// dequantize path runs).
    public let paths: PathCheck?

    /// `floatBytes / quantizedBytes`.
    public var compression: Double { quantizedBytes == 0 ? 1 : Double(floatBytes) / Double(quantizedBytes) }

    /// Runs `float` and `quantized` (with `compute`) on `data`, `activation` between layers.
    /// - Complexity: about three forward passes of each network.
    public init(float: FloatNetwork, quantized: QuantizedNetwork, activation: Activation, data: EvaluationData,
                compute: ComputePath) {
        let rows = data.rows
        // The float network's pre-activation outputs and the inputs each layer was fed.
        var floatInputs: [[Float]] = [data.inputs]
        var floatOutputs: [[Float]] = []
        for (index, layer) in float.layers.enumerated() {
            var z = layer.forward(floatInputs[index], batch: rows)
            floatOutputs.append(z)
            activation.apply(&z)
            floatInputs.append(z)
        }
        let last = float.layers.count - 1
        func run(_ path: ComputePath) -> [[Float]] {
            var outputs: [[Float]] = []
            var x = data.inputs
            for (index, layer) in quantized.layers.enumerated() {
                let z = layer.forward(x, batch: rows, compute: path)
                outputs.append(z)
                x = z
                if index < last { activation.apply(&x) }
            }
            return outputs
        }
        let cumulative = run(compute)
        // The int8 path cannot run group-wise weights; then there is no path check.
        let int8Capable = quantized.runsInInt8
        var lines: [LayerLine] = []
        var deviation = 0.0
        var ratio = 0.0
        for (index, layer) in quantized.layers.enumerated() {
            let alone = layer.forward(floatInputs[index], batch: rows, compute: compute)
            let description = float.layout.layers[index]
            lines.append(LayerLine(
                name: description.prefix, outFeatures: description.outFeatures, inFeatures: description.inFeatures,
                scheme: quantized.schemes[index],
                sqnrAloneDB: ErrorMetrics(original: floatOutputs[index], reconstructed: alone).sqnrDB,
                sqnrCumulativeDB: ErrorMetrics(original: floatOutputs[index], reconstructed: cumulative[index]).sqnrDB))
            if case .quantized(let linear) = layer, int8Capable {
                let viaInt8 = linear.forwardInt8(floatInputs[index], batch: rows)
                let viaDequant = linear.forward(floatInputs[index], batch: rows)
                let bound = linear.int8DeviationBound(floatInputs[index], batch: rows)
                for i in viaInt8.indices {
                    let difference = Double(abs(viaInt8[i] - viaDequant[i]))
                    deviation = max(deviation, difference)
                    if difference > 0 { ratio = max(ratio, difference / Double(bound[i])) }
                }
            }
        }
        let columns = float.layout.outFeatures
        let otherPath = int8Capable ? run(compute == .int8 ? .dequant : .int8)[last] : []
        let floatClasses = topClasses(floatOutputs[last], rows: rows, columns: columns)
        let quantizedClasses = topClasses(cumulative[last], rows: rows, columns: columns)
        samples = rows
        self.compute = compute
        output = OutputComparison(reference: floatOutputs[last], candidate: cumulative[last], rows: rows, columns: columns)
        accuracyFloat = data.labels.map { accuracy(predictions: floatClasses, labels: $0) }
        accuracyQuantized = data.labels.map { accuracy(predictions: quantizedClasses, labels: $0) }
        layers = lines
        floatBytes = float.byteCount
        quantizedBytes = quantized.byteCount
        paths = quantized.schemes.allSatisfy { $0 == nil } || !int8Capable ? nil : PathCheck(
            agreement: OutputComparison(reference: cumulative[last], candidate: otherPath, rows: rows, columns: columns).agreement,
            maxDeviation: deviation, maxBoundRatio: ratio)
    }
}

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
        let reference = FloatPass(float, activation: activation, data: data)
        let last = float.layers.count - 1
        let cumulative = Self.outputs(of: quantized, activation: activation, data: data, compute: compute)
        // The int8 path cannot run group-wise weights; then there is no path check.
        let int8Capable = quantized.runsInInt8
        var lines: [LayerLine] = []
        var deviation = PathDeviation()
        for (index, layer) in quantized.layers.enumerated() {
            let alone = layer.forward(reference.inputs[index], batch: rows, compute: compute)
            let description = float.layout.layers[index]
            lines.append(LayerLine(
                name: description.prefix, outFeatures: description.outFeatures, inFeatures: description.inFeatures,
                scheme: quantized.schemes[index],
                sqnrAloneDB: ErrorMetrics(original: reference.outputs[index], reconstructed: alone).sqnrDB,
                sqnrCumulativeDB: ErrorMetrics(original: reference.outputs[index], reconstructed: cumulative[index]).sqnrDB))
            if case .quantized(let linear) = layer, int8Capable {
                deviation.add(linear, inputs: reference.inputs[index], rows: rows)
            }
        }
        let columns = float.layout.outFeatures
        let otherPath = int8Capable
            ? Self.outputs(of: quantized, activation: activation, data: data, compute: compute == .int8 ? .dequant : .int8)[last] : []
        let floatClasses = topClasses(reference.outputs[last], rows: rows, columns: columns)
        let quantizedClasses = topClasses(cumulative[last], rows: rows, columns: columns)
        samples = rows
        self.compute = compute
        output = OutputComparison(reference: reference.outputs[last], candidate: cumulative[last], rows: rows, columns: columns)
        accuracyFloat = data.labels.map { accuracy(predictions: floatClasses, labels: $0) }
        accuracyQuantized = data.labels.map { accuracy(predictions: quantizedClasses, labels: $0) }
        layers = lines
        floatBytes = float.byteCount
        quantizedBytes = quantized.byteCount
        paths = quantized.schemes.allSatisfy { $0 == nil } || !int8Capable ? nil : PathCheck(
            agreement: OutputComparison(reference: cumulative[last], candidate: otherPath, rows: rows, columns: columns).agreement,
            maxDeviation: deviation.maxDeviation, maxBoundRatio: deviation.maxBoundRatio)
    }

    /// Each layer's pre-activation output of `quantized` run on `data` with `compute`, the
    /// activation between layers (none after the last).
    static func outputs(of quantized: QuantizedNetwork, activation: Activation, data: EvaluationData,
                        compute: ComputePath) -> [[Float]] {
        var outputs: [[Float]] = []
        var x = data.inputs
        for (index, layer) in quantized.layers.enumerated() {
            let z = layer.forward(x, batch: data.rows, compute: compute)
            outputs.append(z)
            x = z
            if index < quantized.layers.count - 1 { activation.apply(&x) }
        }
        return outputs
    }
}

/// The float network run on the evaluation rows: each layer's inputs and its pre-activation
/// outputs.
struct FloatPass {
    /// `inputs[i]`: what layer `i` was fed (`inputs[0]` the rows; one more than the layers).
    var inputs: [[Float]]
    var outputs: [[Float]]

    init(_ float: FloatNetwork, activation: Activation, data: EvaluationData) {
        inputs = [data.inputs]
        outputs = []
        for (index, layer) in float.layers.enumerated() {
            var z = layer.forward(inputs[index], batch: data.rows)
            outputs.append(z)
            activation.apply(&z)
            inputs.append(z)
        }
    }
}

/// How far the int8 path strays from the dequantize path, over the quantized layers.
struct PathDeviation {
    /// The largest `|int8 - dequant|` of any layer output.
    var maxDeviation = 0.0
    /// The largest ratio of a nonzero deviation to `QuantizedLinear.int8DeviationBound`.
    var maxBoundRatio = 0.0

    /// Runs `linear` both ways on `inputs` (`rows` of them) and records the deviations.
    mutating func add(_ linear: QuantizedLinear, inputs: [Float], rows: Int) {
        let viaInt8 = linear.forwardInt8(inputs, batch: rows)
        let viaDequant = linear.forward(inputs, batch: rows)
        let bound = linear.int8DeviationBound(inputs, batch: rows)
        for i in viaInt8.indices {
            let difference = Double(abs(viaInt8[i] - viaDequant[i]))
            maxDeviation = max(maxDeviation, difference)
            if difference > 0 { maxBoundRatio = max(maxBoundRatio, difference / Double(bound[i])) }
        }
    }
}

/// Every method and scheme at 8, 4, 3 and 2 bits on the same model and data: what `quantize
/// eval --compare` prints. The methods are round to nearest with min-max scales (`rtn`) and
/// with MSE clipping (`rtn+mse`), then every other method of `QuantizationMethods` (those that
/// need calibration, `gptq` and `awq`, only given calibration rows). Within each
/// bit width the rows run best first: by quantized accuracy when there are labels, then by
/// top-1 agreement, then by lower output MSE.
public struct SchemeComparison: Sendable {
    public struct Row: Sendable, Encodable {
        public let method: String
        public let scheme: String
        public let bits: Int
        public let bytes: Int
        public let compression: Double
        public let agreement: Double
        public let accuracy: Double?
        public let accuracyFloat: Double?
        public let outputMSE: Double
        public let cosine: Double

        enum CodingKeys: String, CodingKey {
            case method, scheme, bits, bytes, compression, agreement, accuracy, cosine
            case accuracyFloat = "accuracy_fp32", outputMSE = "output_mse"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(method, forKey: .method)
            try container.encode(scheme, forKey: .scheme)
            try container.encode(bits, forKey: .bits)
            try container.encode(bytes, forKey: .bytes)
            try container.encode(compression, forKey: .compression)
            try container.encode(agreement, forKey: .agreement)
            try container.encode(accuracy, forKey: .accuracy)
            try container.encode(accuracyFloat, forKey: .accuracyFloat)
            try container.encode(outputMSE, forKey: .outputMSE)
            try container.encode(cosine, forKey: .cosine)
        }
    }

    public static let bitWidths = [8, 4, 3, 2]

    public let rows: [Row]
    public let floatBytes: Int

    /// Quantizes `float` under every method, scheme and width (with `include` and `exclude`
    /// selecting tensors as `quantize` does) and evaluates each on `data`.
    public init(float: FloatNetwork, activation: Activation, data: EvaluationData, compute: ComputePath, axis: Int,
                include: [Regex<AnyRegexOutput>], exclude: [Regex<AnyRegexOutput>], path: String,
                calibration: EvaluationData? = nil, gptq: GPTQOptions = GPTQOptions()) throws {
        var methods = [ComparedMethod(label: "rtn", method: RoundToNearest(), clipping: .minmax),
                       ComparedMethod(label: "rtn+mse", method: RoundToNearest(), clipping: .mse)]
        for method in QuantizationMethods.all.map({ $0(MethodSettings(gptq: gptq)) })
            where !(method is RoundToNearest) && (calibration != nil || !method.needsCalibration) {
            methods.append(ComparedMethod(label: method.name, method: method, clipping: .minmax))
        }
        var rows: [Row] = []
        for bits in SchemeComparison.bitWidths {
            var group: [Row] = []
            for compared in methods {
                for name in QuantScheme.names {
                    var scheme = QuantScheme(name: name, bits: bits, axis: axis)
                    scheme?.clipping = compared.clipping
                    let rules = SelectionRules(defaultScheme: scheme, include: include, exclude: exclude)
                    let quantized = try QuantizedNetwork(float: float, rules: rules, path: path, method: compared.method,
                                                         calibration: compared.method.needsCalibration ? calibration : nil,
                                                         activation: activation)
                    let e = Evaluation(float: float, quantized: quantized, activation: activation, data: data, compute: compute)
                    group.append(Row(method: compared.label, scheme: name, bits: bits, bytes: e.quantizedBytes, compression: e.compression,
                                     agreement: e.output.agreement, accuracy: e.accuracyQuantized, accuracyFloat: e.accuracyFloat,
                                     outputMSE: e.output.mse, cosine: e.output.cosine))
                }
            }
            rows += group.sorted { a, b in
                if let x = a.accuracy, let y = b.accuracy, x != y { return x > y }
                if a.agreement != b.agreement { return a.agreement > b.agreement }
                return a.outputMSE < b.outputMSE
            }
        }
        self.rows = rows
        self.floatBytes = float.byteCount
    }

    /// A method as the comparison runs it: its row label, the method, and the clipping rule
    /// its schemes use.
    struct ComparedMethod {
        let label: String
        let method: any QuantizationMethod
        let clipping: Clipping
    }

    /// One table; a blank line between bit widths.
    public func renderedTable() -> String {
        let hasLabels = rows.first?.accuracy != nil
        var table = TextTable(columns: [("method", .left), ("scheme", .left), ("bits", .right), ("size", .right),
                                        ("compression", .right), ("agreement", .right), ("accuracy", .right), ("MSE", .right)])
        for row in rows {
            table.append([row.method, row.scheme, "\(row.bits)", formatBytes(row.bytes), String(format: "%.2fx", row.compression),
                          percent(row.agreement), row.accuracy.map(percent) ?? "-", String(format: "%.3e", row.outputMSE)])
        }
        var text = table.rendered()
        if hasLabels, let float = rows.first?.accuracyFloat {
            text += "\nfloat32: \(formatBytes(floatBytes)), accuracy \(percent(float))\n"
        } else {
            text += "\nfloat32: \(formatBytes(floatBytes)); agreement is with the float model's top-1 class\n"
        }
        return text
    }

    /// A JSON list of the rows.
    public func renderedJSON() -> String {
        encodeJSON(rows)
    }
}

import QuantKit

/// `quantize eval FOLDER --compare [--calibration-text FILE]` on a transformer checkpoint: every
/// scheme of `ComparedScheme.transformerSet` at 8, 4, 3 and 2 bits, round to nearest and, with
/// calibration, GPTQ through the blocks (`TransformerComparison`), printed as one table or JSON.
enum TransformerCompare {
    /// The methods compared: round to nearest always, then each method that runs through the
    /// transformer's blocks on `calibration`, when given.
    static func methods(calibration: TransformerCalibration?, gptq: GPTQOptions) -> [any CheckpointQuantizer] {
        var methods: [any CheckpointQuantizer] = [RoundToNearestQuantizer()]
        if let calibration {
            methods.append(ModelCalibratedQuantizer(method: GPTQ(options: gptq), run: calibration))
        }
        return methods
    }

    static func run(_ options: EvalCommand.Options, float: TransformerEval.FloatSide, plotFile: PlotFile?, console: Console) throws -> Bool {
        let own = options.transformer
        // Group-wise weights have no int8 path (ComputePathError.groupWiseWeightsInInt8).
        let schemes = ComparedScheme.transformerSet.filter { options.compute != .int8 || $0.groupSize == nil }
        let computeNote = options.compute == .int8
            ? ["--compute int8: the per-channel schemes only; group-wise weights run dequantized, not on the int8 path."] : []
        let run = TransformerComparison.Run(sequences: float.sequences.sequences, origin: float.sequences.origin, batch: own.batch,
                                            compute: options.compute, pooling: float.pooling, scoring: own.scoring)
        let comparison = try TransformerComparison(
            path: options.model, float: float.model, floatWeights: float.weights, run: run,
            methods: methods(calibration: own.calibration, gptq: options.method.gptq), schemes: schemes,
            include: options.rules.include, exclude: options.rules.exclude, axis: options.axis,
            notes: float.sequences.notes + float.notes + computeNote)
        try plotFile?.write(comparison.picture())
        console.out(options.report == .json ? comparison.renderedJSON() : comparison.renderedTable())
        return true
    }
}

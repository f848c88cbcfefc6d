import ArgKit
import QuantKit

/// The method options (`QuantizeCommand.methodOptions`), typed: the method named by `--method`
/// (from `QuantizationMethods`, built with GPTQ's options), its calibration file, GPTQ's options
/// and the outlier threshold.
struct MethodChoice {
    var method: any QuantizationMethod
    var calibration: String?
    var gptq: GPTQOptions
    var keepOutliers: Float?

    /// `method`, with outlier columns kept when `--keep-outliers` is given: what runs.
    var quantizationMethod: any QuantizationMethod {
        keepOutliers.map { method.keepingOutlierColumns(above: $0) } ?? method
    }

    /// Reads the method options, refusing a method without calibration (`--calibration`, or
    /// through a transformer when `calibratedThroughTransformer`) and, unless `comparing`
    /// (which runs every method), calibration without a method that uses it.
    init(_ arguments: ParsedArguments, comparing: Bool = false, calibratedThroughTransformer: Bool = false) throws(UsageError) {
        // `--method` accepts only the registry's names; the method is built again below with
        // GPTQ's options, once they are read.
        let name = arguments.string("method")!
        let method = QuantizationMethods.named(name)!
        calibration = arguments.string("calibration")
        if let text = arguments.string("keep-outliers") {
            guard let threshold = Float(text), threshold.isFinite, threshold >= 0 else {
                throw .invalidValue(option: "--keep-outliers", value: text, expected: "a non-negative activation magnitude")
            }
            guard calibration != nil || calibratedThroughTransformer else {
                throw .requires("--keep-outliers", "--calibration (calibration input rows) or --calibration-text/--calibration-tokens")
            }
            keepOutliers = threshold
        }
        if arguments.choice("scale-rule", as: ScaleRule.self) != .reference, method.needsCalibration || (comparing && calibration != nil) {
            throw .conflicting("--scale-rule compressed-tensors", "--method gptq or awq (they choose their own scales)")
        }
        if method.needsCalibration, calibration == nil, !calibratedThroughTransformer {
            throw .requires("--method \(method.name)", "--calibration (calibration input rows, e.g. a few hundred training rows)")
        }
        if !method.needsCalibration, calibration != nil, !comparing, keepOutliers == nil {
            throw .requires("--calibration", "--method gptq or --method awq, or --keep-outliers (or eval --compare)")
        }
        let dampText = arguments.string("damp")!
        guard let damp = Float(dampText), damp >= 0, damp.isFinite else {
            throw .invalidValue(option: "--damp", value: dampText, expected: "a non-negative number")
        }
        gptq = GPTQOptions()
        gptq.damp = damp
        gptq.activationOrder = arguments.flag("act-order")
        self.method = QuantizationMethods.named(name, settings: MethodSettings(gptq: gptq))!
    }
}

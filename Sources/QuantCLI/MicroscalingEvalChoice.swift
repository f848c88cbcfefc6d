import ArgKit
import QuantKit

/// `quantize eval FOLDER --scheme nvfp4 | mxfp4 | mxfp8`: a transformer checkpoint's Linear
/// weights quantized in memory to a microscaling format (`MicroscaledWeights`) and evaluated
/// dequantized. The format fixes its groups, scales, elements and rounding, so the options that
/// would set them (or choose weights, or a method) are refused by name, as `quantize` refuses them.
enum MicroscalingEvalChoice {
    /// The eval options that mean nothing to a microscaling format.
    static let unrelatedOptions = [
        "bits", "axis", "group-size", "block", "clip", "scale-rule", "symmetric-range", "scale-dtype", "include", "exclude", "layer",
        "calibration", "calibration-text", "calibration-tokens", "damp", "act-order", "keep-outliers", "compare",
    ]

    /// The format `--scheme` names; nil for any other scheme.
    static func format(_ arguments: ParsedArguments) throws(UsageError) -> MicroscalingFormat? {
        guard let name = arguments.string("scheme"), let format = MicroscalingFormat(rawValue: name) else { return nil }
        if let other = unrelatedOptions.first(where: arguments.contains) {
            throw .conflicting("--scheme \(name)", "--\(other) (the format fixes its groups, scales and elements, and quantizes every Linear)")
        }
        if arguments.string("method") != "rtn" {
            throw .conflicting("--scheme \(name)", "--method \(arguments.string("method") ?? "") (microscaled codes are rounded to nearest)")
        }
        if arguments.choice("compute", as: ComputePath.self) == .int8 {
            throw .conflicting("--compute int8", "--scheme \(name) (microscaled weights run dequantized, in float)")
        }
        return format
    }
}

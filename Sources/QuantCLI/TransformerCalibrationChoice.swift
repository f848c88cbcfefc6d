import ArgKit
import Foundation
import QuantKit

/// `--calibration-text FILE` or `--calibration-tokens X.npy`: GPTQ or AWQ calibrated through the
/// transformer of the input folder (or round to nearest with `--keep-outliers`, its columns
/// chosen from the captured inputs), refused (by option name) with anything that does not fit:
/// both at once, `--calibration` (an MLP's rows), rtn without `--keep-outliers`, gptq with it,
/// and an input that is not one model folder with a `config.json`.
enum TransformerCalibrationChoice {
    static let options = [
        OptionSpec("calibration-text", valueName: "FILE",
                   help: "gptq, awq or --keep-outliers on a transformer model folder: calibration texts, one per line, tokenized with its tokenizer.json (truncated to max_position_embeddings); also eval --compare's gptq rows.",
                   valueHint: .anyFile),
        OptionSpec("calibration-tokens", valueName: "X.npy",
                   help: "gptq, awq or --keep-outliers on a transformer model folder: calibration token ids [sequences, length] (int32 or int64; negative ids are padding); also eval --compare's gptq rows.",
                   valueHint: .file(extensions: ["npy"])),
    ]

    /// The sequences the options name, nil when neither is given.
    static func sequences(_ arguments: ParsedArguments) throws(UsageError) -> TransformerCalibration.Sequences? {
        switch (arguments.string("calibration-text"), arguments.string("calibration-tokens")) {
        case (nil, nil): nil
        case (let text?, nil): .textFile(text)
        case (nil, let tokens?): .tokenFile(tokens)
        case (.some, .some): throw .conflicting("--calibration-text", "--calibration-tokens")
        }
    }

    /// The calibration through the transformer folder `inputs` names, after the refusals above;
    /// when `comparing` (`eval --compare`, which runs every method) any `--method` is taken.
    static func calibration(_ sequences: TransformerCalibration.Sequences, arguments: ParsedArguments,
                            inputs: [String], comparing: Bool = false) throws(UsageError) -> TransformerCalibration {
        let option = if case .textFile = sequences { "--calibration-text" } else { "--calibration-tokens" }
        if arguments.string("calibration") != nil { throw .conflicting(option, "--calibration (rows run through an MLP)") }
        let method = arguments.string("method")!, keepsOutliers = arguments.string("keep-outliers") != nil
        guard method != "rtn" || keepsOutliers || comparing else { throw .requires(option, "--method gptq or awq, or --keep-outliers") }
        if method == "gptq", keepsOutliers { throw .conflicting("--method gptq " + option, "--keep-outliers") }
        var isFolder: ObjCBool = false
        guard inputs.count == 1, FileManager.default.fileExists(atPath: inputs[0], isDirectory: &isFolder), isFolder.boolValue,
              FileManager.default.fileExists(atPath: (inputs[0] as NSString).appendingPathComponent("config.json"))
        else { throw .conflicting(option, "an input that is not one model folder with a config.json") }
        return TransformerCalibration(folder: inputs[0], sequences: sequences)
    }
}

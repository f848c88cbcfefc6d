import ArgKit
import QuantKit

/// `quantize imatrix MODEL --calibration X.npy -o OUT.gguf`.
enum ImatrixCommand: Command {
    static let spec = CommandSpec(
        name: "imatrix",
        abstract: "Compute an MLP's importance matrix as llama-imatrix does, for 'quantize --imatrix' and llama-quantize.",
        discussion: """
            The calibration rows run through the float network (the activation between layers);
            for each layer, each input column gets the sum of its squared inputs over the rows,
            and the row count: llama.cpp's importance matrix, written in its GGUF format
            (NAME.in_sum2 and NAME.counts; imatrix.datasets = the calibration path,
            imatrix.chunk_count = 1, imatrix.chunk_size = the row count). Each entry is named
            after the layer's weight tensor (fc1.weight), the name it keeps in a GGUF file written
            under the model's own tensor names; --rename fc1.weight=blk.0.ffn_up.weight gives
            the name a converter chose instead.
            """,
        arguments: [ArgumentSpec("model", help: "The float model (.npz or .npy).", valueHint: .file(extensions: ["npz", "npy"]))],
        options: [
            OptionSpec("calibration", valueName: "X.npy", help: "Calibration input rows [N, in], any float dtype.",
                       required: true, valueHint: .file(extensions: ["npy"])),
            OptionSpec("output", short: "o", valueName: "OUT.gguf", help: "Where to write the importance matrix.",
                       required: true, valueHint: .file(extensions: ["gguf"])),
            OptionSpec("activation", valueName: "A", help: "Between layers.",
                       allowedValues: Activation.allCases.map(\.rawValue), defaultValue: "relu"),
            OptionSpec("rename", valueName: "NAME=ENTRY", help: "Name the entry of weight NAME ENTRY instead.",
                       repeatable: true, valueHint: .text),
            .flag("force", help: "Replace OUT.gguf if it exists and is a regular file (never an input)."),
        ])

    struct Options {
        var model: String
        var calibration: String
        var output: String
        var activation: Activation
        var rename: [String: String]
        var force: Bool
    }

    static func options(_ arguments: ParsedArguments) throws(UsageError) -> Options {
        var rename: [String: String] = [:]
        for pair in arguments.strings("rename") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, rename[parts[0]] == nil else {
                throw .invalidValue(option: "--rename", value: pair, expected: "NAME=ENTRY, each NAME once")
            }
            rename[parts[0]] = parts[1]
        }
        let output = arguments.string("output")!
        guard output.hasSuffix(".gguf") else {
            throw .invalidValue(option: "--output", value: output, expected: "a .gguf file (llama.cpp's importance matrix format)")
        }
        return Options(model: arguments.argument("model")!, calibration: arguments.string("calibration")!, output: output,
                       activation: arguments.choice("activation", as: Activation.self)!, rename: rename,
                       force: arguments.flag("force"))
    }

    static func run(_ options: Options, console: Console) throws -> Bool {
        let network = try FloatNetwork(source: openFloatTensorSource(path: options.model))
        let weights = network.layout.layers.map(\.weightName)
        if let unknown = options.rename.keys.sorted().first(where: { !weights.contains($0) }) {
            throw UsageError.invalidValue(option: "--rename", value: unknown,
                                          expected: "a layer weight of \(options.model): " + weights.joined(separator: ", "))
        }
        let rows = try EvaluationData(inputPath: options.calibration, labelsPath: nil, width: network.layout.inFeatures,
                                      classes: network.layout.outFeatures)
        let statistics = layerImportance(network, rows: rows, activation: options.activation, rename: options.rename)
        try writeImportanceMatrix(statistics, datasets: [options.calibration], chunkCount: 1, chunkSize: UInt32(clamping: rows.rows),
                                  to: options.output, overwrite: options.force, inputs: [options.model, options.calibration])
        for entry in statistics {
            console.out("\(entry.name): \(entry.sumsOfSquares.count) columns, \(entry.count) rows\n")
        }
        return true
    }
}

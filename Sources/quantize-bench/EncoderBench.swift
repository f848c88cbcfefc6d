import Dispatch
import Foundation
import QuantKit

/// `quantize-bench encoder FOLDER --tokens IDS.npy [--batch B] [--threads T] [--compute float|int8]`:
/// the BERT encoder of FOLDER on the token ids of IDS.npy (`[N, L]`, -1 padding), in batches of
/// B in file order, to mean-pooled (or the folder's pooling) sentence embeddings. `float` runs the
/// checkpoint's float32 weights; `int8` rounds every Linear weight to int8 per channel in memory
/// (what `quantize FOLDER --scheme per-channel` selects) and runs them on the int8 GEMM. Loading
/// and quantizing are not timed; one whole pass warms up, the next is timed, forward passes and
/// pooling only. Prints one line of `key=value` fields ending in `sentences_per_second=X`.
///
/// The forward pass runs its loops on `defaultThreadCount` threads (one per core), so `--threads`
/// must equal that: the bench says so rather than timing another count than it reports.
func runEncoderBench(_ arguments: [String]) throws {
    var values: [String: String] = ["batch": "32", "threads": String(defaultThreadCount), "compute": "float"]
    var rest = arguments[...]
    guard let folder = rest.popFirst() else { throw EncoderBenchError.usage }
    while let option = rest.popFirst() {
        guard option.hasPrefix("--"), let value = rest.popFirst(), ["tokens", "batch", "threads", "compute"].contains(option.dropFirst(2))
        else { throw EncoderBenchError.usage }
        values[String(option.dropFirst(2))] = value
    }
    guard let tokens = values["tokens"], let batch = Int(values["batch"]!), batch > 0, let threads = Int(values["threads"]!),
          let compute = values["compute"], ["float", "int8"].contains(compute) else { throw EncoderBenchError.usage }
    guard threads == defaultThreadCount else { throw EncoderBenchError.threads(given: threads, cores: defaultThreadCount) }
    let config = try TransformerConfig.load(path: (folder as NSString).appendingPathComponent("config.json"))
    let float = try CheckpointWeights(path: folder)
    var weights: any TransformerWeights = float
    if compute == "int8" {
        let rules = SelectionRules(defaultScheme: QuantScheme(symmetric: true, granularity: .perChannel(axis: 0), bits: 8))
        weights = InMemoryQuantizedWeights(float: float, replaced: try roundToNearestCheckpoint(path: folder, rules: rules))
    }
    let model = try loadTransformer(config: config, weights: weights)
    let pooling = try SentencePooling.load(folder: folder) ?? SentencePooling(mode: .mean, normalize: false)
    let sequences = try EvaluationSequences(tokensPath: tokens, maxLength: config.maxPositions, truncate: false).sequences
    let batches = stride(from: 0, to: sequences.count, by: batch).map { TokenBatch(Array(sequences[$0 ..< min($0 + batch, sequences.count)])) }
    let path: ComputePath = compute == "int8" ? .int8 : .dequant
    func pass() throws {
        for tokens in batches { _ = pooling.pool(try model.hiddenStates(tokens, compute: path)) }
    }
    try pass()
    let start = DispatchTime.now().uptimeNanoseconds
    try pass()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    print("bench=encoder impl=quantize compute=\(compute) sentences=\(sequences.count) batch=\(batch) threads=\(threads) "
        + "seconds=\(String(format: "%.3f", seconds)) sentences_per_second=\(String(format: "%.1f", Double(sequences.count) / seconds))")
}

enum EncoderBenchError: Error, CustomStringConvertible {
    case usage
    case threads(given: Int, cores: Int)

    var description: String {
        switch self {
        case .usage:
            "usage: quantize-bench encoder FOLDER --tokens IDS.npy [--batch B] [--threads T] [--compute float|int8]"
        case .threads(let given, let cores):
            "the forward pass runs on one thread per core (\(cores)); --threads \(given) cannot be honoured"
        }
    }
}

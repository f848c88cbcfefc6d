import Foundation
import QuantKit

extension TerminalProgress {
    /// A `StepProgress` drawing this bar: the steps done, counted in `unit` (a plural), after `label`.
    func steps(_ label: String, unit: String) -> StepProgress {
        { done, total in self.update(label: label, done: done, total: total, unit: .items(unit)) }
    }

    /// The bar of a `quantize` run, in bytes of tensor data over all shards: the label names
    /// the tensor being read and its place in its file, and for shards the shard, its file and
    /// how far it is, first, so that a narrow terminal keeps them ("shard 2/3 40% b.safetensors: 7/12 w2").
    func update(checkpoint step: CheckpointProgress, plan: ShardPlan) {
        let file = step.file
        var label = file.tensor.map { "\(file.index + 1)/\(file.count) \($0)" } ?? "\(file.count)/\(file.count) written"
        if plan.sharded {
            let name = URL(fileURLWithPath: plan.jobs[step.shard].input).lastPathComponent
            let percent = file.bytesTotal > 0 ? file.bytesDone * 100 / file.bytesTotal : 100
            label = "shard \(step.shard + 1)/\(step.shardCount) \(percent)% \(name): " + label
        }
        update(label: label, done: step.bytesDone, total: step.bytesTotal, unit: .bytes)
    }
}

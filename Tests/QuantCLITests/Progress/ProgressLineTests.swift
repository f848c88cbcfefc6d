import Foundation
@testable import QuantCLI
import QuantKit
import Testing

/// An estimate of `total` units from `(time, done)` samples.
private func estimate(total: Int?, samples: [(Double, Int)]) -> ProgressEstimate {
    var estimate = ProgressEstimate(total: total)
    for (time, done) in samples { estimate.record(done: done, at: time) }
    return estimate
}

@Test func aWideFrameShowsLabelBarPercentCountsRateAndTimeLeft() {
    let mib = 1 << 20
    let line = ProgressLine(label: "3/12 w2", estimate: estimate(total: 128 * mib, samples: [(0, 0), (2, 64 * mib)]), unit: .bytes)
    let frame = line.rendered(columns: 100)
    #expect(frame == "3/12 w2  [##############..............]  50%  64.0 MiB/128 MiB  32.0 MiB/s  ETA 2s")
    #expect(frame.count <= 99)
}

@Test func narrowFramesShortenTheLabelThenTheBarThenDropPiecesAndNeverWrap() {
    let line = ProgressLine(label: "shard 2/3 model-00002-of-00003.safetensors 40%: 7/12 model.layers.3.mlp.up_proj.weight",
                            estimate: estimate(total: 1000, samples: [(0, 0), (10, 250)]), unit: .items("blocks"))
    for columns in 0 ... 160 {
        let frame = line.rendered(columns: columns)
        #expect(frame.count <= max(columns - 1, 0), "\(columns): \(frame)")
        if columns >= 40 { #expect(frame.contains("ETA 30s"), "\(columns): \(frame)") }
    }
    // The label shortened to 20 columns before the bar narrows; then no bar, no label; then no rate.
    #expect(line.rendered(columns: 80) == "shard 2/3 model-0...  [##.......]  25%  250/1000 blocks  25.0 blocks/s  ETA 30s")
    #expect(line.rendered(columns: 50) == "25%  250/1000 blocks  25.0 blocks/s  ETA 30s")
    #expect(line.rendered(columns: 40) == "shard...  25%  250/1000 blocks  ETA 30s")
    #expect(line.rendered(columns: 200).hasPrefix(line.label + "  [" + String(repeating: "#", count: 7)
                                                     + String(repeating: ".", count: 21) + "]  25%"))
}

@Test func anUnknownTotalHasNoBarAndAnUnknownTimeLeft() {
    let line = ProgressLine(label: "batches", estimate: estimate(total: nil, samples: [(0, 0), (4, 1)]), unit: .items("batches"))
    #expect(line.rendered(columns: 80) == "batches  1 batches  4.0 s/batch  ETA --")
    let fresh = ProgressLine(label: "w1", estimate: estimate(total: 10, samples: [(0, 0)]), unit: .items("blocks"))
    #expect(fresh.rendered(columns: 60) == "w1  [" + String(repeating: ".", count: 28) + "]  0%  0/10 blocks  ETA --")
}

/// Per-input-channel statistics of the calls of a block's Linears (`LinearObserver`), by module
/// prefix: the mean `|x_k|` over the rows (AWQ's activation magnitude) and the maximum `|x_k|`
/// (which columns `OutlierColumnsKept` keeps). Memory: `3 · in` numbers per Linear, never the
/// inputs themselves. A `LinearCall` carries real tokens only, so padding never enters.
final class LinearInputStatistics {
    private var magnitudeSums: [String: [Double]] = [:]
    private var maxima: [String: [Float]] = [:]
    private var rows: [String: Int] = [:]

    func observe(_ call: LinearCall) {
        guard call.rows > 0 else { return }
        let width = call.inFeatures
        var sums = magnitudeSums[call.prefix] ?? [Double](repeating: 0, count: width)
        var largest = maxima[call.prefix] ?? [Float](repeating: 0, count: width)
        call.input.withUnsafeBufferPointer { input in
            for row in 0 ..< call.rows {
                for k in 0 ..< width {
                    let magnitude = abs(input[row * width + k])
                    sums[k] += Double(magnitude)
                    largest[k] = max(largest[k], magnitude)
                }
            }
        }
        (magnitudeSums[call.prefix], maxima[call.prefix]) = (sums, largest)
        rows[call.prefix, default: 0] += call.rows
    }

    /// The mean `|x_k|` of the inputs of Linear `prefix`; nil when it was never called.
    func meanMagnitude(of prefix: String) -> [Float]? {
        guard let sums = magnitudeSums[prefix], let count = rows[prefix] else { return nil }
        return sums.map { Float($0 / Double(count)) }
    }

    /// The largest `|x_k|` of the inputs of Linear `prefix`; nil when it was never called.
    func maxMagnitude(of prefix: String) -> [Float]? { maxima[prefix] }
}

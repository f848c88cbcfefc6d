/// Spearman's rank correlation of `x` and `y`, as `scipy.stats.spearmanr` defines it: each side
/// replaced by its ranks (1 for the smallest; equal values get the average of the ranks they
/// span), then the Pearson correlation of the two rank vectors,
/// `Σ (r_i - r̄)(s_i - s̄) / sqrt(Σ (r_i - r̄)² · Σ (s_i - s̄)²)`, in Double.
///
/// Both arrays are overwritten by their ranks, so that ranking `n` pairs needs no memory beyond
/// one `Int32` ordering (`4n` bytes). nil when either side has all values equal (no variance:
/// SciPy gives NaN) or fewer than 2 values.
/// - Precondition: `x.count == y.count <= Int32.max`; no NaN.
/// - Complexity: O(n log n).
func spearmanCorrelation(_ x: inout [Double], _ y: inout [Double]) -> Double? {
    precondition(x.count == y.count && x.count <= Int(Int32.max), "both sides need one value per pair")
    guard x.count >= 2 else { return nil }
    replaceByAverageRanks(&x)
    replaceByAverageRanks(&y)
    // Both rank vectors have mean (n + 1) / 2.
    let mean = Double(x.count + 1) / 2
    var (covariance, xx, yy) = (0.0, 0.0, 0.0)
    for i in x.indices {
        let (a, b) = (x[i] - mean, y[i] - mean)
        covariance += a * b
        xx += a * a
        yy += b * b
    }
    guard xx > 0, yy > 0 else { return nil }
    return covariance / (xx * yy).squareRoot()
}

/// Replaces each value by its rank among `values`, 1-based, ties given the average of the
/// ranks they span (`scipy.stats.rankdata(method="average")`).
func replaceByAverageRanks(_ values: inout [Double]) {
    var order = [Int32](unsafeUninitializedCapacity: values.count) { buffer, initialized in
        for i in 0 ..< values.count { buffer[i] = Int32(i) }
        initialized = values.count
    }
    order.sort { values[Int($0)] < values[Int($1)] }
    var start = 0
    while start < order.count {
        var end = start + 1
        while end < order.count, values[Int(order[end])] == values[Int(order[start])] { end += 1 }
        // Ranks start + 1 ... end, averaged.
        let rank = Double(start + 1 + end) / 2
        for position in start ..< end { values[Int(order[position])] = rank }
        start = end
    }
}

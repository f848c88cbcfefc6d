/// How closely a quantized model's outputs follow the float model's, over `rows` samples of
/// `columns` outputs each (logits, for a classifier).
///
/// - `agreement`: the fraction of rows whose top-1 class (first maximum) is the same;
/// - `mse`, `maxAbsError`, `sqnrDB`: `ErrorMetrics` over every output;
/// - `cosine`: the mean over rows of `a·b / (|a| |b|)`, taken as 1 when both rows are zero and
///   0 when only one is.
public struct OutputComparison: Sendable, Equatable {
    public let agreement: Double
    public let mse: Double
    public let maxAbsError: Double
    public let cosine: Double
    public let sqnrDB: Double

    /// - Precondition: both hold `rows * columns` values.
    public init(reference: [Float], candidate: [Float], rows: Int, columns: Int) {
        precondition(reference.count == rows * columns && candidate.count == rows * columns, "outputs must be rows x columns")
        let metrics = ErrorMetrics(original: reference, reconstructed: candidate)
        mse = metrics.mse
        maxAbsError = metrics.maxAbsError
        sqnrDB = metrics.sqnrDB
        let expected = topClasses(reference, rows: rows, columns: columns)
        let found = topClasses(candidate, rows: rows, columns: columns)
        agreement = fraction(zip(expected, found).filter { $0 == $1 }.count, of: rows)
        var cosineSum = 0.0
        for row in 0 ..< rows {
            var dot = 0.0, a2 = 0.0, b2 = 0.0
            for i in row * columns ..< (row + 1) * columns {
                let (a, b) = (Double(reference[i]), Double(candidate[i]))
                dot += a * b
                a2 += a * a
                b2 += b * b
            }
            cosineSum += a2 == 0 && b2 == 0 ? 1 : (a2 == 0 || b2 == 0 ? 0 : dot / (a2.squareRoot() * b2.squareRoot()))
        }
        cosine = rows == 0 ? 1 : cosineSum / Double(rows)
    }
}

/// The index of the first largest value of each row.
public func topClasses(_ values: [Float], rows: Int, columns: Int) -> [Int] {
    (0 ..< rows).map { row in
        var best = 0
        for column in 1 ..< max(columns, 1) where values[row * columns + column] > values[row * columns + best] {
            best = column
        }
        return best
    }
}

/// The fraction of `predictions` equal to `labels`.
/// - Precondition: both have the same count.
public func accuracy(predictions: [Int], labels: [Int]) -> Double {
    precondition(predictions.count == labels.count, "one label per prediction")
    return fraction(zip(predictions, labels).filter { $0 == $1 }.count, of: labels.count)
}

/// `count / total`, 1 for an empty total (nothing disagreed).
func fraction(_ count: Int, of total: Int) -> Double {
    total == 0 ? 1 : Double(count) / Double(total)
}

/// What llama.cpp's `llama-imatrix` collects for one matrix multiplication: per input column,
/// `Σ x²` over the rows seen (`in_sum2`), and the number of rows (`count`), as it stores them in
/// its GGUF importance matrix (one expert: dims `[columns, 1]` and `[1, 1]`).
public struct ImportanceStatistics: Sendable, Equatable {
    /// The entry's name: the name of the weight tensor the statistics weigh.
    public let name: String
    /// `Σ x²` per input column, summed in float32 row after row (as llama-imatrix adds).
    public let sumsOfSquares: [Float]
    /// The rows summed.
    public let count: Int

    public init(name: String, sumsOfSquares: [Float], count: Int) {
        self.name = name
        self.sumsOfSquares = sumsOfSquares
        self.count = count
    }

    /// The statistics of `rows` (`count` rows of `sumsOfSquares.count` values, row-major):
    /// `sums[j] = ((x₀ⱼ² + x₁ⱼ²) + x₂ⱼ²) + …` in float32, in row order.
    ///
    /// - Complexity: O(rows · columns).
    public init(name: String, rows: [Float], columns: Int) {
        var sums = [Float](repeating: 0, count: columns)
        let count = columns == 0 ? 0 : rows.count / columns
        for row in 0 ..< count {
            for column in 0 ..< columns {
                let x = rows[row * columns + column]
                sums[column] += x * x
            }
        }
        self.init(name: name, sumsOfSquares: sums, count: count)
    }
}

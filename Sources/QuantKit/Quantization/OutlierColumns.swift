/// Input columns of a `[out, in]` weight kept in float16 beside the codes (LLM.int8()-style
/// mixed precision: Dettmers, Lewis, Belkada, Zettlemoyer, "LLM.int8(): 8-bit Matrix
/// Multiplication for Transformers at Scale", NeurIPS 2022): the columns whose calibration
/// inputs exceed a magnitude threshold carry the outlier features, so their weights stay
/// (nearly) exact while the rest are quantized without them. The quantized codes of these
/// columns are those of zeros, and dequantization puts the float16 values back.
public struct OutlierColumns: Sendable, Equatable {
    /// The kept column indices, increasing.
    public let columns: [Int]
    /// `[out, columns.count]` row-major, each a float16 value widened to float32.
    public let values: [Float]

    /// Keeps `columns` of `weight` (`[out, in]`), rounded to float16.
    public init(columns: [Int], of weight: [Float], inFeatures: Int) {
        self.columns = columns
        let rows = columns.isEmpty ? 0 : weight.count / inFeatures
        values = (0 ..< rows).flatMap { row in columns.map { Float(Float16(weight[row * inFeatures + $0])) } }
    }

    public init(columns: [Int], values: [Float]) {
        self.columns = columns
        self.values = values
    }

    /// `weight` with the kept columns set to 0 (what is quantized).
    static func zeroing(_ columns: [Int], in weight: [Float], inFeatures: Int) -> [Float] {
        var result = weight
        for row in 0 ..< weight.count / inFeatures {
            for column in columns { result[row * inFeatures + column] = 0 }
        }
        return result
    }

    /// Bytes stored: an int32 index per column and a float16 per value.
    var storedByteCount: Int { 4 * columns.count + 2 * values.count }
}

/// How closely a quantized encoder's embeddings follow the float encoder's, over `texts`
/// embeddings of `dimension` values each (row-major `[texts, dimension]`, one row per text).
///
/// With `cos(a, b) = a·b / (|a| |b|)`, computed in Double from the float32 values:
/// - `cosineMean`, `cosineMin`: the mean and minimum over texts of `cos(f_i, q_i)`, the text's
///   float embedding against its quantized one (1 when both are zero, 0 when only one is);
/// - `neighbourAgreement`: the fraction of texts whose most similar *other* text (largest
///   `cos(e_i, e_j)`, `j != i`) is the same text in both models; equal similarities are broken
///   by the lowest index `j`, and a zero embedding has similarity 0 to every text. nil for
///   fewer than 2 texts;
/// - `largestSimilarityChange`: `δ = max_{i<j} |cos(q_i, q_j) - cos(f_i, f_j)|`, and
///   `neighboursWithinReach`: the texts whose float neighbour leads the runner-up by less than
///   `2δ` (`cos(f_i, f_a) - cos(f_i, f_b) < 2δ`, `a` the nearest other text, `b` the next). Only
///   those can change neighbour: any other text's lead shrinks by at most `2δ`. On texts with no
///   true paraphrase among them the leads are small (MiniLM on unrelated sentences: a median
///   lead of 0.03, 5% under 0.002), so a few changes at int8 say the texts were near ties, not
///   that the quantization lost them. 0 and 0 for fewer than 3 texts;
/// - `similaritySpearman`: Spearman's rank correlation between the float and the quantized
///   pairwise similarities `cos(e_i, e_j)` over the upper triangle `i < j`, as
///   `scipy.stats.spearmanr` defines it: the Pearson correlation of the ranks, equal values
///   given the average of the ranks they span. nil for fewer than 3 texts (1 pair), or when
///   either side's similarities are all equal (the correlation is undefined; SciPy gives NaN).
///
/// Memory: the two triangles of `texts · (texts - 1) / 2` Doubles and one Int32 ordering of them,
/// about 20 bytes per pair, plus the embeddings normalized in Double: 168 MB at the bound of
/// `maxTexts` = 4096 texts, 42 MB at 2048. Time: `O(texts² · dimension)` for the similarities,
/// `O(texts² log texts)` to rank them.
public struct EmbeddingAgreement: Sendable, Equatable {
    /// The most texts compared at once (see the memory bound above).
    public static let maxTexts = 4096

    public let texts: Int
    public let cosineMean: Double
    public let cosineMin: Double
    public let neighbourAgreement: Double?
    public let largestSimilarityChange: Double
    public let neighboursWithinReach: Int
    public let similaritySpearman: Double?

    /// - Precondition: both hold `texts * dimension` values, `dimension >= 1`.
    /// - Throws: `EmbeddingAgreementError.tooManyTexts` above `maxTexts`.
    public init(float: [Float], quantized: [Float], texts: Int, dimension: Int) throws(EmbeddingAgreementError) {
        precondition(dimension >= 1 && texts >= 0 && float.count == texts * dimension && quantized.count == texts * dimension,
                     "embeddings must be texts x dimension")
        guard texts <= Self.maxTexts else { throw .tooManyTexts(texts, limit: Self.maxTexts) }
        self.texts = texts
        let floatRows = unitRows(float, rows: texts, columns: dimension)
        let quantizedRows = unitRows(quantized, rows: texts, columns: dimension)
        var sum = 0.0
        var smallest = 1.0
        for text in 0 ..< texts {
            let (a, b) = (floatRows[text], quantizedRows[text])
            let cosine = a.isZero && b.isZero ? 1 : (a.isZero || b.isZero ? 0 : dot(a.values, b.values))
            sum += cosine
            smallest = min(smallest, cosine)
        }
        cosineMean = texts == 0 ? 1 : sum / Double(texts)
        cosineMin = smallest
        var floatSimilarities = upperTriangleSimilarities(floatRows)
        var quantizedSimilarities = upperTriangleSimilarities(quantizedRows)
        if texts >= 2 {
            let expected = nearestOthers(floatSimilarities, texts: texts)
            let found = nearestOthers(quantizedSimilarities, texts: texts)
            neighbourAgreement = fraction(zip(expected, found).filter { $0 == $1 }.count, of: texts)
        } else {
            neighbourAgreement = nil
        }
        let change = zip(floatSimilarities, quantizedSimilarities).reduce(0) { max($0, abs($1.1 - $1.0)) }
        largestSimilarityChange = change
        neighboursWithinReach = texts >= 3 ? neighbourLeads(floatSimilarities, texts: texts).filter { $0 < 2 * change }.count : 0
        similaritySpearman = texts >= 3 ? spearmanCorrelation(&floatSimilarities, &quantizedSimilarities) : nil
    }
}

/// Why embeddings cannot be compared.
public enum EmbeddingAgreementError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooManyTexts(Int, limit: Int)

    public var description: String {
        switch self {
        case .tooManyTexts(let count, let limit):
            "\(count) texts is more than the \(limit) whose pairwise similarities are compared at once"
        }
    }
}

/// One embedding scaled to unit length in Double, or all zeros (`isZero`) when it has no length.
struct UnitRow {
    let values: [Double]
    let isZero: Bool
}

/// Each row of `values` (`[rows, columns]`) divided by its Euclidean norm, in Double.
func unitRows(_ values: [Float], rows: Int, columns: Int) -> [UnitRow] {
    (0 ..< rows).map { row in
        let doubles = values[row * columns ..< (row + 1) * columns].map(Double.init)
        let norm = dot(doubles, doubles).squareRoot()
        return norm == 0 ? UnitRow(values: doubles, isZero: true) : UnitRow(values: doubles.map { $0 / norm }, isZero: false)
    }
}

/// `Σ a_k b_k` in Double, in index order.
func dot(_ a: [Double], _ b: [Double]) -> Double {
    var sum = 0.0
    for k in a.indices { sum += a[k] * b[k] }
    return sum
}

/// The cosines `cos(e_i, e_j)` of every pair `i < j`, row by row (`(0,1), (0,2), ..., (1,2), ...`);
/// 0 for a pair with a zero embedding.
func upperTriangleSimilarities(_ rows: [UnitRow]) -> [Double] {
    var similarities: [Double] = []
    similarities.reserveCapacity(rows.count * max(rows.count - 1, 0) / 2)
    for i in rows.indices {
        for j in (i + 1) ..< max(rows.count, i + 1) {
            similarities.append(rows[i].isZero || rows[j].isZero ? 0 : dot(rows[i].values, rows[j].values))
        }
    }
    return similarities
}

/// For each of `texts` texts, the other text of largest similarity in `similarities` (the upper
/// triangle as `upperTriangleSimilarities` orders it), the lowest index among equals.
func nearestOthers(_ similarities: [Double], texts: Int) -> [Int] {
    var best = [Int](repeating: -1, count: texts)
    var bestSimilarity = [Double](repeating: -.infinity, count: texts)
    var pair = 0
    for i in 0 ..< texts {
        for j in (i + 1) ..< texts {
            let similarity = similarities[pair]
            // j only grows for a fixed i, and i < j: strict comparisons keep the lowest index.
            if similarity > bestSimilarity[i] || best[i] < 0 { (best[i], bestSimilarity[i]) = (j, similarity) }
            if similarity > bestSimilarity[j] || best[j] < 0 { (best[j], bestSimilarity[j]) = (i, similarity) }
            pair += 1
        }
    }
    return best
}

/// For each of `texts >= 3` texts, how far its nearest other text's similarity leads the next
/// one's in `similarities` (the upper triangle as `upperTriangleSimilarities` orders it).
func neighbourLeads(_ similarities: [Double], texts: Int) -> [Double] {
    var first = [Double](repeating: -.infinity, count: texts)
    var second = [Double](repeating: -.infinity, count: texts)
    func offer(_ similarity: Double, to text: Int) {
        if similarity > first[text] {
            (first[text], second[text]) = (similarity, first[text])
        } else if similarity > second[text] {
            second[text] = similarity
        }
    }
    var pair = 0
    for i in 0 ..< texts {
        for j in (i + 1) ..< texts {
            offer(similarities[pair], to: i)
            offer(similarities[pair], to: j)
            pair += 1
        }
    }
    return zip(first, second).map { $0 - $1 }
}

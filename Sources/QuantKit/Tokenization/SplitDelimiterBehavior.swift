/// `SplitDelimiterBehavior`: what a split does with the matches of its pattern.
///
/// For `hello, world` split on `,`: `removed` gives `hello`, ` world`; `isolated` gives
/// `hello`, `,`, ` world`; `mergedWithPrevious` gives `hello,`, ` world`; `mergedWithNext` gives
/// `hello`, `, world`; `contiguous` is `isolated` with runs of adjacent matches (and of adjacent
/// non-matches) joined.
enum SplitDelimiterBehavior: String, Sendable, CaseIterable {
    case removed = "Removed"
    case isolated = "Isolated"
    case mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext"
    case contiguous = "Contiguous"

    /// The pieces `segments` (each a range of the text and whether it is a match, in order,
    /// covering the text) become, as `NormalizedString::split` forms them.
    func pieces(of segments: [(range: Range<Int>, isMatch: Bool)]) -> [Range<Int>] {
        switch self {
        case .removed:
            return segments.filter { !$0.isMatch }.map(\.range)
        case .isolated:
            return segments.map(\.range)
        case .contiguous:
            return Self.joined(segments) { isMatch, previous in isMatch == previous }
        case .mergedWithPrevious:
            return Self.joined(segments) { isMatch, previous in isMatch && !previous }
        case .mergedWithNext:
            let reversed = segments.reversed().map { (range: $0.range, isMatch: $0.isMatch) }
            return Self.joined(reversed) { isMatch, previous in isMatch && !previous }.reversed()
        }
    }

    /// Walks `segments`, extending the last piece by a segment when `joins(isMatch, previousIsMatch)`
    /// holds (and there is a last piece), else starting a new piece. Works in either direction.
    private static func joined(_ segments: [(range: Range<Int>, isMatch: Bool)],
                               joins: (Bool, Bool) -> Bool) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var previousIsMatch = false
        for segment in segments {
            if joins(segment.isMatch, previousIsMatch), let last = pieces.last {
                pieces[pieces.count - 1] = min(last.lowerBound, segment.range.lowerBound)
                    ..< max(last.upperBound, segment.range.upperBound)
            } else {
                pieces.append(segment.range)
            }
            previousIsMatch = segment.isMatch
        }
        return pieces
    }
}

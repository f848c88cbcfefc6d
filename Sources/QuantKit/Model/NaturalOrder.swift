/// Whether `a` comes before `b` in natural order: runs of digits compare as numbers, so
/// `fc2` < `fc10` and `layers.2` < `layers.10`; everything else compares as text.
public func naturallyPrecedes(_ a: String, _ b: String) -> Bool {
    let left = naturalRuns(a)
    let right = naturalRuns(b)
    for (x, y) in zip(left, right) where x != y {
        switch (x, y) {
        case (.number(let m), .number(let n)):
            // Compare digit strings without converting: no overflow on long runs.
            let (m, n) = (m.drop { $0 == "0" }, n.drop { $0 == "0" })
            if m.count != n.count { return m.count < n.count }
            if m != n { return m < n }
        case (.text(let s), .text(let t)):
            return s < t
        case (.number, .text):
            return true
        case (.text, .number):
            return false
        }
    }
    return left.count != right.count ? left.count < right.count : a < b
}

private enum NaturalRun: Equatable {
    case text(Substring)
    case number(Substring)
}

private func naturalRuns(_ text: String) -> [NaturalRun] {
    var runs: [NaturalRun] = []
    var start = text.startIndex
    while start < text.endIndex {
        let isDigit = text[start].isASCII && text[start].isNumber
        let end = text[start...].firstIndex { ($0.isASCII && $0.isNumber) != isDigit } ?? text.endIndex
        runs.append(isDigit ? .number(text[start ..< end]) : .text(text[start ..< end]))
        start = end
    }
    return runs
}

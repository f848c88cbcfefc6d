@testable import ArgKit
import Testing

@Test(arguments: [
    ("", "", 0), ("scheme", "scheme", 0), ("", "abc", 3), ("abc", "", 3),
    ("shceme", "scheme", 2), ("outptu", "output", 2), ("kitten", "sitting", 3), ("flaw", "lawn", 2),
])
func editDistanceMatchesKnownValues(a: String, b: String, distance: Int) {
    #expect(editDistance(a, b) == distance)
    #expect(editDistance(b, a) == distance)
}

private let optionNames = Sample.quantize.options.map(\.name) + ["help"]

@Test(arguments: [
    ("shceme", "scheme"), ("outptu", "output"), ("bit", "bits"), ("exlcude", "exclude"), ("hlep", "help"),
    ("compres", "compress"), ("reprot", "report"),
])
func closeTyposGetASuggestion(typo: String, intended: String) {
    #expect(closestMatch(to: typo, among: optionNames) == intended)
}

@Test(arguments: ["zzzzzz", "verbose", "quiet", "x"])
func distantWordsGetNoSuggestion(word: String) {
    #expect(closestMatch(to: word, among: optionNames) == nil)
}

@Test func suggestionBoundGrowsWithTheWord() {
    // 12 characters allow 4 edits; 6 characters allow only 2.
    #expect(closestMatch(to: "abcdefghijkl", among: ["abcdefghwxyz"]) == "abcdefghwxyz")
    #expect(closestMatch(to: "abcdef", among: ["abcxyz"]) == nil)
}

@Test func tiesGoToTheEarliestCandidate() {
    #expect(closestMatch(to: "bat", among: ["cat", "hat"]) == "cat")
}

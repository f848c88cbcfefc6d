@testable import SVGPlot
import Testing

/// The definition, by brute force: nothing else is at most as large and at least as good with
/// one of them strict (and of identical points the first).
private func referenceFront(_ points: [(x: Double, y: Double)]) -> Set<Int> {
    Set(points.indices.filter { p in
        !points.indices.contains { q in
            q != p && points[q].x <= points[p].x && points[q].y >= points[p].y
                && (points[q].x < points[p].x || points[q].y > points[p].y || q < p)
        }
    })
}

/// SplitMix64, so every run draws the same points.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Test func frontMatchesTheDefinitionOnRandomPoints() {
    var generator = SeededGenerator(state: 18)
    for _ in 0 ..< 200 {
        // Coarse values, so ties on one or both axes are common.
        let points = (0 ..< Int.random(in: 1 ... 30, using: &generator)).map { _ in
            (x: Double(Int.random(in: 0 ... 8, using: &generator)), y: Double(Int.random(in: 0 ... 8, using: &generator)))
        }
        let front = paretoFront(points)
        #expect(Set(front) == referenceFront(points))
        #expect(front.map { points[$0].x } == front.map { points[$0].x }.sorted())
    }
}

@Test func frontOfAKnownSet() {
    let points: [(x: Double, y: Double)] = [(4, 0.99), (1, 0.5), (2, 0.9), (3, 0.8), (2, 0.95), (8, 0.99)]
    #expect(paretoFront(points) == [1, 4, 0])
}

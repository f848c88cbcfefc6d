@testable import SVGPlot
import Testing

@Test func ticksAreNiceAndCoverTheData() {
    let scale = LinearScale(covering: [0.3, 9.7], pixelStart: 0, pixelEnd: 100)
    #expect(scale.ticks == [0, 2, 4, 6, 8, 10])
    #expect(scale.pixel(0) == 0 && scale.pixel(10) == 100 && scale.pixel(5) == 50)
    #expect(scale.label(4) == "4")
}

@Test func decimalTicksAreLabelledWithTheDecimalsTheirStepNeeds() {
    let scale = LinearScale(covering: [0.91, 1.0], pixelStart: 0, pixelEnd: 100)
    #expect(scale.ticks.first! <= 0.91 && scale.ticks.last! >= 1.0)
    #expect(scale.ticks.map(scale.label).contains("0.92"))
    #expect(scale.label(-0.0) == "0.00")
}

@Test func aVerticalScaleRunsBottomUp() {
    let scale = LinearScale(covering: [-20, 45], pixelStart: 500, pixelEnd: 100)
    // 65 / 6 ticks is about 10.8: the step rounds up to 20.
    #expect(scale.ticks == [-20, 0, 20, 40, 60])
    #expect(scale.pixel(-20) == 500 && scale.pixel(60) == 100 && scale.pixel(20) == 300)
    // Values outside the interval are clamped to its edge.
    #expect(scale.pixel(1000) == 100)
}

@Test func degenerateDataStillGivesAnInterval() {
    #expect(LinearScale(covering: [], pixelStart: 0, pixelEnd: 1).ticks.first == 0)
    let single = LinearScale(covering: [8, .infinity, .nan], pixelStart: 0, pixelEnd: 1)
    #expect(single.lower <= 4 && single.upper >= 12)
    #expect(LinearScale(covering: [3, 5], pixelStart: 0, pixelEnd: 1, includeZero: true).lower == 0)
}

@Test(arguments: [(0.7, 1.0), (1.0, 1.0), (1.3, 2.0), (3.0, 5.0), (7.0, 10.0), (0.013, 0.02), (420.0, 500.0)])
func stepsAreOneTwoOrFiveTimesAPowerOfTen(raw: Double, step: Double) {
    #expect(abs(LinearScale.niceStep(raw) - step) < 1e-12 * step)
}

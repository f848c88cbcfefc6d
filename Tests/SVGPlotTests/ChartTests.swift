@testable import SVGPlot
import Testing

private func bars(_ count: Int) -> [BarChart.Bar] {
    (0 ..< count).map { index in
        BarChart.Bar(label: "blocks.\(index).mlp.fc\(index % 3).weight", value: Double(index * 7 % 40) - 5,
                     valueText: "\(index * 7 % 40 - 5) dB", series: index % 2, annotation: "\(index) KiB")
    }
}

private func barChart(_ count: Int) -> SVGDocument {
    let legend = [LegendEntry(label: "per-channel, 8-bit", colour: PlotPalette.colour(0), swatch: .box),
                  LegendEntry(label: "symmetric, 4-bit", colour: PlotPalette.colour(1), swatch: .box)]
    return BarChart(frame: ChartFrame(title: "Per-tensor SQNR", legend: legend, notes: ["a note"]), bars: bars(count),
                    valueAxis: "SQNR (dB)", annotationHeading: "bytes saved").rendered()
}

@Test func barChartNamesEveryBarItsAxisLegendAndNotes() throws {
    let texts = try #require(svgTexts(barChart(12).rendered()))
    for bar in bars(12) {
        #expect(texts.contains(bar.label) && texts.contains(bar.valueText) && texts.contains(bar.annotation))
    }
    for expected in ["Per-tensor SQNR", "SQNR (dB)", "bytes saved", "per-channel, 8-bit", "symmetric, 4-bit", "a note", "-10", "0", "40"] {
        #expect(texts.contains(expected), "\(expected)")
    }
}

@Test func sameChartIsTheSameBytes() {
    #expect(barChart(30).rendered() == barChart(30).rendered())
}

@Test func chartsAreSelfContainedAndScaleToTheirContainer() {
    let text = PlotPage(title: "t", charts: [barChart(3), barChart(4)]).rendered(as: .html)
        + barChart(3).rendered()
    for forbidden in ["<script", "href", "url(", "@import", "<image", "@font-face", "http://w"] where forbidden != "http://w" {
        #expect(!text.contains(forbidden), "\(forbidden)")
    }
    #expect(barChart(3).rendered().contains("viewBox=\"0 0 1200 "))
    #expect(barChart(3).rendered().contains("width=\"100%\""))
}

@Test func aBarChartGrowsARowPerBar() {
    #expect(barChart(40).height - barChart(10).height == 30 * BarChart.rowHeight)
}

@Test func stackedChartsNestInOneWellFormedSVG() throws {
    let page = PlotPage(title: "two", charts: [barChart(2), barChart(3)])
    let svg = page.rendered(as: .svg)
    let texts = try #require(svgTexts(svg))
    #expect(texts.filter { $0 == "Per-tensor SQNR" }.count == 2)
    #expect(svg.contains("viewBox=\"0 0 1200 \(svgNumber(barChart(2).height + barChart(3).height))\""))
    #expect(svg.components(separatedBy: "<svg ").count == 4)
}

@Test func htmlPageHoldsEachChart() throws {
    let html = PlotPage(title: "two <charts>", charts: [barChart(2), barChart(3)]).rendered(as: .html)
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(html.contains("<h1>two &lt;charts&gt;</h1>"))
    #expect(html.components(separatedBy: "<figure>").count == 3)
}

@Test func legendWrapsOntoRowsThatFitTheCanvas() {
    let entries = (0 ..< 12).map { LegendEntry(label: "per-channel-asymmetric, \($0)-bit", colour: PlotPalette.colour($0), swatch: .box) }
    let rows = ChartFrame(title: "t", legend: entries).legendRows
    #expect(rows.count > 1 && rows.flatMap { $0 }.count == 12)
    for row in rows { #expect(row.reduce(0) { $0 + $1.width } <= ChartFrame.width - 2 * ChartFrame.margin) }
}

@Test func lineChartNamesEveryPositionAndBreaksAtNonFiniteValues() throws {
    let chart = LineChart(title: "Layers", positions: ["fc1", "fc2", "fc3", "fc4"],
                          series: [LineChart.Series(name: "alone", values: [30, .infinity, 20, 25]),
                                   LineChart.Series(name: "cumulative", values: [30, 28, 19, 18])],
                          xAxis: "layer", yAxis: "SQNR (dB)")
    let svg = chart.rendered().rendered()
    let texts = try #require(svgTexts(svg))
    for name in ["fc1", "fc2", "fc3", "fc4", "alone", "cumulative", "layer", "SQNR (dB)"] { #expect(texts.contains(name)) }
    // "alone" is one run after the gap (fc3-fc4; fc1 alone is no line), "cumulative" one run of four.
    #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
}

@Test func scatterKeyNamesEveryPointAndMarksTheFront() throws {
    let points = [ScatterChart.Point(label: "a", x: 1, y: 0.5, series: 0), ScatterChart.Point(label: "b", x: 2, y: 0.4, series: 1),
                  ScatterChart.Point(label: "c", x: 3, y: 0.9, series: 0)]
    let chart = ScatterChart(frame: ChartFrame(title: "Size against quality"), points: points, xAxis: "size (KiB)",
                             yAxis: "agreement (%)", describe: { "\($0.x), \($0.y)" })
    let texts = try #require(svgTexts(chart.rendered().rendered()))
    #expect(texts.contains("1. a: 1.0, 0.5 *"))
    #expect(texts.contains("2. b: 2.0, 0.4"))
    #expect(texts.contains("3. c: 3.0, 0.9 *"))
    #expect(["1", "2", "3"].allSatisfy(texts.contains))
}

@Test func histogramBinsEveryFiniteValueOnce() {
    let values: [Float] = [0, 0.1, 0.2, 0.25, 0.5, 0.75, 0.99, 1, .nan, -.infinity]
    let histogram = Histogram(title: "h", values: values, binCount: 4, overlays: [], xAxis: "x", yAxis: "n")
    // Bins of width 0.25, the last closed (as numpy.histogram): [0, .25) [.25, .5) [.5, .75) [.75, 1].
    #expect(histogram.counts == [3, 1, 1, 3])
    #expect(histogram.lower == 0 && histogram.upper == 1)
    let flat = Histogram(title: "h", values: [2, 2, 2], binCount: 3, overlays: [], xAxis: "x", yAxis: "n")
    #expect(flat.counts.reduce(0, +) == 3 && flat.lower == 1.5 && flat.upper == 2.5)
}

@Test func denseOverlaysBecomeARug() {
    let levels = (-127 ... 127).map { Double($0) / 127 }
    let overlay = Histogram.Overlay(label: "grid", positions: levels, colour: "#cc3311", dash: "6 4")
    let svg = Histogram(title: "h", values: [-1, 0, 1], binCount: 4, overlays: [overlay], xAxis: "x", yAxis: "n").rendered().rendered()
    // A rug: one short solid tick per level, no dash pattern.
    #expect(svg.components(separatedBy: "stroke=\"#cc3311\" stroke-width=\"1\"/>").count - 1 == 255)
    #expect(!svg.contains("stroke=\"#cc3311\" stroke-width=\"2.5\""))
}

@testable import SVGPlot
import Testing

@Test func markupCharactersBecomeEntities() {
    #expect(xmlEscaped(#"a<b>&"c"'d"#) == "a&lt;b&gt;&amp;&quot;c&quot;&apos;d")
}

@Test func charactersXMLForbidsBecomeReplacementCharacters() {
    #expect(xmlEscaped("a\u{0}b\u{1F}c\u{FFFE}d\u{FFFF}") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}")
    #expect(xmlEscaped("tab\there\nnew\rline é 量子") == "tab\there\nnew\rline é 量子")
}

@Test func anyTensorNameSurvivesADocumentRoundTrip() throws {
    // Invalid UTF-8 (a lone continuation byte, a truncated sequence) decodes to U+FFFD.
    let bytes: [UInt8] = Array("layer.<0>&\"w\"".utf8) + [0x80, 0x01, 0xE2, 0x82] + Array("€ 重み".utf8)
    let name = String(decoding: bytes, as: UTF8.self)
    var document = SVGDocument(width: 100, height: 50, title: name)
    document.text(name, x: 1, y: 2, size: 20)
    let texts = try #require(svgTexts(document.rendered()))
    #expect(texts == ["layer.<0>&\"w\"\u{FFFD}\u{FFFD}\u{FFFD}€ 重み"])
}

@Test(arguments: [(0.0, "0"), (-0.001, "0"), (1.5, "1.5"), (2.25, "2.25"), (3.0, "3"), (-1.05, "-1.05"),
                  (12.349, "12.35"), (100.004, "100"), (0.07, "0.07"), (Double.nan, "0")])
func coordinatesHaveAtMostTwoDecimals(value: Double, text: String) {
    #expect(svgNumber(value) == text)
}

@Test func longNamesKeepTheirStartAndEnd() {
    #expect(middleTruncated("encoder.layer.10.attention.self.query.weight", limit: 21) == "encoder.la…ery.weight")
    #expect(middleTruncated("encoder.layer.10.attention.self.query.weight", limit: 21).count == 21)
    #expect(middleTruncated("fc1.weight", limit: 21) == "fc1.weight")
}

@Test(arguments: [("plot.svg", PlotPage.Kind.svg), ("out/Plot.HTML", .html), ("a.b.svg", .svg)])
func plotKindsComeFromTheExtension(path: String, kind: PlotPage.Kind) {
    #expect(PlotPage.kind(ofPath: path) == kind)
}

@Test(arguments: ["plot.png", "plot", ".svg", "dir.svg/plot", "plot.svgz"])
func otherExtensionsAreNoPlotKind(path: String) {
    #expect(PlotPage.kind(ofPath: path) == nil)
}

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The character data of every `<text>` element of an SVG or XHTML document (a `<title>` inside
/// a text element, its tooltip, left out), in document order; nil when the document is not
/// well-formed XML.
func svgTexts(_ document: String) -> [String]? {
    let reader = TextCollector()
    let parser = XMLParser(data: Data(document.utf8))
    parser.delegate = reader
    return parser.parse() ? reader.texts : nil
}

private final class TextCollector: NSObject, XMLParserDelegate {
    var texts: [String] = []
    private var current: String?
    private var inTooltip = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if name == "text" { current = "" }
        if name == "title", current != nil { inTooltip = true }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if !inTooltip, current != nil { current! += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "title" { inTooltip = false }
        if name == "text", let text = current {
            texts.append(text)
            current = nil
        }
    }
}

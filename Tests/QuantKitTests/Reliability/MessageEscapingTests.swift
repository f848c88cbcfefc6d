import Testing
@testable import QuantKit

/// Every error is one line: control characters in names and paths are shown as escapes.
@Suite struct MessageEscapingTests {
    @Test(arguments: [
        ("fc1.weight", "fc1.weight"),
        ("a\nb", "a\\nb"),
        ("tab\there", "tab\\there"),
        ("cr\r", "cr\\r"),
        ("bell\u{7}", "bell\\u{7}"),
        ("del\u{7F}", "del\\u{7f}"),
        ("c1\u{85}", "c1\\u{85}"),
        ("line\u{2028}sep", "line\\u{2028}sep"),
        ("back\\slash", "back\\slash"),
        ("\u{E9}t\u{E9}", "\u{E9}t\u{E9}"),
    ])
    func controlCharactersAreEscaped(raw: String, shown: String) {
        #expect(raw.escapedForMessage == shown)
    }

    @Test func fileErrorsStayOneLine() {
        let error = FileError(path: "dir\n/x.npz", member: "fc\n1", NPZError.noSuchTensor("fc\n1"))
        #expect(!"\(error)".contains("\n"))
        #expect("\(error)" == "dir\\n/x.npz: 'fc\\n1': no tensor called 'fc\\n1'")
    }
}

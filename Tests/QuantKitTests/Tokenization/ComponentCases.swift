import Foundation
import Testing
@testable import QuantKit

/// Fixtures/tokenizers/component_cases.json (make_component_cases.py): each case's component JSON,
/// input and `tokenizers`' output, looked up by name.
enum ComponentCases {
    static let file: Data = try! Data(contentsOf: tokenizerFixtures.appendingPathComponent("component_cases.json"))

    static func named(_ name: String) throws -> [String: Any] {
        let all = try JSONSerialization.jsonObject(with: file) as! [String: [String: Any]]
        return try #require(all[name], "no case '\(name)' in component_cases.json")
    }

    /// The normalizer's output for the case's input, and `tokenizers`' (as scalars: Swift's `==`
    /// on strings would call `é` and `e` + U+0301 equal).
    static func normalized(_ name: String) throws -> (got: [Unicode.Scalar], want: [Unicode.Scalar]) {
        let entry = try named(name)
        let normalizer = try NormalizerReader.read(JSONField(key: "normalizer", value: entry["json"]!))
        let got = normalizer.normalize(Array((entry["input"] as! String).unicodeScalars))
        return (got, Array((entry["output"] as! String).unicodeScalars))
    }

    /// The pre-tokenizer's words for the case's input (empty ones dropped, as the tokenizer
    /// drops them), and `tokenizers`'.
    static func preTokenized(_ name: String) throws -> (got: [[Unicode.Scalar]], want: [[Unicode.Scalar]]) {
        let entry = try named(name)
        let preTokenizer = try PreTokenizerReader.read(JSONField(key: "pre_tokenizer", value: entry["json"]!))
        let got = preTokenizer.split(Array((entry["input"] as! String).unicodeScalars)).filter { !$0.isEmpty }
        return (got, (entry["output"] as! [String]).map { Array($0.unicodeScalars) })
    }

    /// The encoding of the case's input by the case's whole tokenizer.json, and `tokenizers`' ids and mask.
    static func encoded(_ name: String) throws -> (got: Encoding, ids: [Int], attentionMask: [Int]) {
        let entry = try named(name)
        let json = try JSONSerialization.data(withJSONObject: entry["json"]!)
        let tokenizer = try Tokenizer(json: Array(json))
        return (try tokenizer.encode(entry["input"] as! String), entry["ids"] as! [Int], entry["attention_mask"] as! [Int])
    }
}

import Foundation
import Testing
@testable import QuantKit

/// Malformed and unsupported tokenizer.json files: one typed error naming the file and key.
@Suite struct TokenizerFileErrorTests {
    /// gpt2.json parsed, changed by `edit`, and loaded again.
    func loadingEdited(_ edit: (inout [String: Any]) -> Void) throws(TokenizerFileError) -> Tokenizer {
        let data = try! Data(contentsOf: tokenizerFixtures.appendingPathComponent("gpt2.json"))
        var document = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        edit(&document)
        return try Tokenizer(json: Array(try! JSONSerialization.data(withJSONObject: document)))
    }

    func error(_ edit: (inout [String: Any]) -> Void) -> TokenizerFileError? {
        do {
            _ = try loadingEdited(edit)
            return nil
        } catch {
            return error
        }
    }

    @Test func unimplementedKindsAreRefusedByName() {
        #expect(error { $0["normalizer"] = ["type": "Precompiled", "precompiled_charsmap": ""] }
            == .unsupportedKind(key: "normalizer.type", kind: "Precompiled"))
        #expect(error { $0["pre_tokenizer"] = ["type": "Sequence", "pretokenizers": [["type": "Metaspace"]]] }
            == .unsupportedKind(key: "pre_tokenizer.pretokenizers[0].type", kind: "Metaspace"))
        #expect(error { $0["post_processor"] = ["type": "RobertaLike"] }
            == .unsupportedKind(key: "post_processor.type", kind: "RobertaLike"))
        #expect(error { document in
            var model = document["model"] as! [String: Any]
            model["type"] = "Unigram"
            document["model"] = model
        } == .unsupportedKind(key: "model.type", kind: "Unigram"))
    }

    @Test func unimplementedOptionsAreRefusedByName() {
        func model(_ key: String, _ value: Any) -> TokenizerFileError? {
            error { document in
                var model = document["model"] as! [String: Any]
                model[key] = value
                document["model"] = model
            }
        }
        #expect(model("dropout", 0.1) == .unsupportedOption(key: "model.dropout", value: "0.1"))
        #expect(model("continuing_subword_prefix", "##") == .unsupportedOption(key: "model.continuing_subword_prefix",
                                                                                   value: "'##'"))
        #expect(model("dropout", 0) == nil, "a dropout of 0 is no dropout")
        #expect(error { $0["truncation"] = ["max_length": 8, "strategy": "OnlySecond"] }
            == .unsupportedOption(key: "truncation.strategy", value: "'OnlySecond'"))
        #expect(error { $0["version"] = "2.0" } == .unsupportedOption(key: "version", value: "'2.0'"))
    }

    @Test func missingAndMistypedKeysAreNamed() {
        #expect(error { $0["model"] = nil } == .missingKey("model"))
        #expect(error { document in
            var model = document["model"] as! [String: Any]
            model["vocab"] = ["a": "zero"]
            document["model"] = model
        } == .wrongType(key: "model.vocab.a", expected: "a non-negative integer below 2^32"))
        #expect(error { document in
            var model = document["model"] as! [String: Any]
            model["ignore_merges"] = 1
            document["model"] = model
        } == .wrongType(key: "model.ignore_merges", expected: "true or false"))
        #expect(error { document in
            var tokens = document["added_tokens"] as! [[String: Any]]
            tokens[1]["lstrip"] = nil
            document["added_tokens"] = tokens
        } == .missingKey("added_tokens[1].lstrip"))
    }

    @Test func badMergesAndPatternsAreNamed() {
        #expect(error { document in
            var model = document["model"] as! [String: Any]
            model["merges"] = ["a b c"]
            document["model"] = model
        } == .invalidValue(key: "model.merges[0]", reason: "a merge must be two tokens ('a b' or [\"a\", \"b\"])"))
        #expect(error { document in
            var model = document["model"] as! [String: Any]
            model["merges"] = [["a", "\u{1F600}"]]
            document["model"] = model
        } == .invalidValue(key: "model.merges[0]", reason: "the merge 'a \u{1F600}' names a token not in the vocabulary"))
        #expect(error {
            $0["pre_tokenizer"] = ["type": "Split", "pattern": ["Regex": "(unclosed"], "behavior": "Isolated", "invert": false]
        } == .invalidValue(key: "pre_tokenizer.pattern", reason: "the regular expression does not compile"))
    }

    @Test func hostileBytesGetOneErrorEach() {
        #expect(throws: TokenizerFileError.nestedTooDeep(limit: maxJSONNestingDepth)) {
            try Tokenizer(json: Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8))
        }
        for text in ["", "{", "[1, 2]", "\"tokenizer\"", "{\"model\": 5}"] {
            #expect(throws: TokenizerFileError.self) { try Tokenizer(json: Array(text.utf8)) }
        }
    }

    @Test func theFileErrorNamesFileKeyAndProblemOnOneLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("tokenizer.json").path
        try Data(#"{"model": {"type": "Unigram", "vocab": []}}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: FileError.self) { try Tokenizer(contentsOfFile: path) }
        do {
            _ = try Tokenizer(contentsOfFile: path)
        } catch {
            #expect(error.description == "\(path): 'model.type' is 'Unigram', which quantize does not implement")
        }
        do {
            _ = try Tokenizer(contentsOfFile: folder.appendingPathComponent("missing.json").path)
        } catch {
            #expect(error.description.hasSuffix("missing.json: no such file"))
        }
    }
}

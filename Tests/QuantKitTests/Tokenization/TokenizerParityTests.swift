import Foundation
import Testing
@testable import QuantKit

/// Fixtures/tokenizers: the corpus, the three BPE fixtures and the ids `tokenizers` gave
/// (make_corpus.py, make_bpe_tokenizers.py, make_expected_ids.py).
let tokenizerFixtures = fixturesFolder.appendingPathComponent("tokenizers")
let miniLMTokenizerPath = fixturesFolder.deletingLastPathComponent()
    .appendingPathComponent(".cache/all-MiniLM-L6-v2/tokenizer.json").path
let miniLMTokenizerAvailable = FileManager.default.fileExists(atPath: miniLMTokenizerPath)

/// The lines of corpus.txt (split on "\n" only: lines hold "\r", U+0085 and U+2028).
let parityCorpus: [String] = {
    let text = try! String(contentsOf: tokenizerFixtures.appendingPathComponent("corpus.txt"), encoding: .utf8)
    return Array(text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
}()

/// The uint16 array `name` of expected_ids.npz.
func expectedArray(_ name: String) throws -> [Int] {
    let tensor = try NPZSource(path: tokenizerFixtures.appendingPathComponent("expected_ids.npz").path).load(name)
    return stride(from: 0, to: tensor.bytes.count, by: 2).map { Int(tensor.bytes[$0]) | Int(tensor.bytes[$0 + 1]) << 8 }
}

/// The expected ids of case `name`, one array per line.
func expectedIDs(_ name: String) throws -> [[Int]] {
    let ids = try expectedArray(name + "_ids"), lengths = try expectedArray(name + "_lengths")
    var start = 0
    return lengths.map { length in
        defer { start += length }
        return Array(ids[start ..< start + length])
    }
}

/// Lines whose ids differ, and how many ids differ in all (positions past the shorter line count).
struct ParityResult: CustomStringConvertible {
    var lines = 0, tokens = 0, differingLines = 0, differingIDs = 0
    var examples: [String] = []

    init(tokenizer: Tokenizer, expected: [[Int]]) throws {
        for (line, want) in zip(parityCorpus, expected) {
            let got = try tokenizer.encode(line).ids
            lines += 1
            tokens += want.count
            let differing = (0 ..< max(got.count, want.count)).filter { $0 >= got.count || $0 >= want.count || got[$0] != want[$0] }
            guard !differing.isEmpty else { continue }
            differingLines += 1
            differingIDs += differing.count
            if examples.count < 5 { examples.append("\(line.debugDescription): got \(got), want \(want)") }
        }
    }

    var description: String {
        "\(lines) lines, \(tokens) tokens, \(differingLines) lines and \(differingIDs) ids differ"
            + examples.map { "\n  " + $0 }.joined()
    }
}

@Suite struct TokenizerParityTests {
    @Test(arguments: ["gpt2", "llama3", "qwen2"])
    func byteLevelBPEFixturesMatchTokenizersOnEveryLine(name: String) throws {
        let tokenizer = try Tokenizer(contentsOfFile: tokenizerFixtures.appendingPathComponent(name + ".json").path)
        let result = try ParityResult(tokenizer: tokenizer, expected: try expectedIDs(name))
        print("parity \(name): \(result)")
        #expect(result.lines == parityCorpus.count && result.lines >= 2000)
        #expect(result.differingIDs == 0, "\(result)")
    }

    @Test func llama3TruncatedFromTheLeftKeepsTheLastTokensAfterTheBeginToken() throws {
        var tokenizer = try Tokenizer(contentsOfFile: tokenizerFixtures.appendingPathComponent("llama3.json").path)
        tokenizer.truncation = Truncation(maxLength: 8, direction: .left)
        let result = try ParityResult(tokenizer: tokenizer, expected: try expectedIDs("llama3_left8"))
        #expect(result.lines == 200 && result.differingIDs == 0, "\(result)")
    }
}

@Suite(.enabled(if: miniLMTokenizerAvailable, "all-MiniLM-L6-v2 is not in .cache/ (run python3 Fixtures/minilm/fetch.py)"))
struct MiniLMTokenizerParityTests {
    func miniLM() throws -> Tokenizer {
        let tokenizer = try Tokenizer(contentsOfFile: miniLMTokenizerPath)
        let digest = sha256Hex(Array(try Data(contentsOf: URL(fileURLWithPath: miniLMTokenizerPath))))
        let expected = try expectedBytes("minilm_sha256").map { String(format: "%02x", $0) }.joined()
        try #require(digest == expected, "the expected ids come from another tokenizer.json")
        return tokenizer
    }

    func expectedBytes(_ name: String) throws -> [UInt8] {
        try NPZSource(path: tokenizerFixtures.appendingPathComponent("expected_ids.npz").path).load(name).bytes
    }

    @Test func wordPieceMatchesTokenizersOnEveryLineWithTheFilesTruncation() throws {
        var tokenizer = try miniLM()
        #expect(tokenizer.pads && tokenizer.truncation == Truncation(maxLength: 128))
        tokenizer.removePadding()
        let result = try ParityResult(tokenizer: tokenizer, expected: try expectedIDs("minilm"))
        print("parity minilm: \(result)")
        #expect(result.lines == parityCorpus.count && result.differingIDs == 0, "\(result)")
    }

    @Test func theFilesPaddingFillsTo128WithPadAndMaskZero() throws {
        let tokenizer = try miniLM()
        for (line, want) in zip(parityCorpus, try expectedIDs("minilm_padded")) {
            let encoding = try tokenizer.encode(line)
            #expect(encoding.ids == want)
            #expect(encoding.attentionMask == encoding.ids.map { $0 == 0 ? 0 : 1 })
        }
    }

    @Test func aGivenMaxLengthTruncatesToIt() throws {
        var tokenizer = try miniLM()
        tokenizer.removePadding()
        tokenizer.truncation = Truncation(maxLength: 16)
        let result = try ParityResult(tokenizer: tokenizer, expected: try expectedIDs("minilm_max16"))
        #expect(result.lines == 200 && result.differingIDs == 0, "\(result)")
    }
}

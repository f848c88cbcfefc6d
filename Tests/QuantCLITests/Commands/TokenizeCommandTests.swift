import Foundation
import QuantKit
import Testing

@testable import QuantCLI

/// `quantize tokenize`: ids equal to `tokenizers`' (Fixtures/tokenizers/expected_ids.npz), the
/// output's shape and fill, and one clear line for every bad input with nothing written.
@Suite struct TokenizeCommandTests {
    let llama3 = fixture("tokenizers/llama3.json")

    /// The first `count` lines of the parity corpus, written to `folder`, and their expected ids.
    func corpusHead(_ count: Int, case name: String, in folder: TemporaryFolder) throws -> (path: String, ids: [[Int]]) {
        let corpus = try String(contentsOfFile: fixture("tokenizers/corpus.txt"), encoding: .utf8)
        let lines = corpus.split(separator: "\n", omittingEmptySubsequences: false).prefix(count)
        let path = folder.path("text.txt")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let expected = try NPZSource(path: fixture("tokenizers/expected_ids.npz"))
        let ids = try expected.load(name + "_ids").bytes, lengths = try expected.load(name + "_lengths").bytes
        var start = 0
        let rows = (0 ..< count).map { line -> [Int] in
            let length = Int(lengths[2 * line]) | Int(lengths[2 * line + 1]) << 8
            defer { start += length }
            return (start ..< start + length).map { Int(ids[2 * $0]) | Int(ids[2 * $0 + 1]) << 8 }
        }
        return (path, rows)
    }

    /// The rows of an ids .npy with the -1 fill removed, and the array's shape.
    func rows(_ path: String) throws -> (shape: [Int], rows: [[Int]]) {
        let source = try NPYFileSource(path: path)
        let tensor = try source.load(source.name)
        #expect(tensor.dtype == .int32)
        let values = integers(tensor), width = tensor.shape[1]
        return (tensor.shape, (0 ..< tensor.shape[0]).map { row in values[row * width ..< (row + 1) * width].filter { $0 >= 0 } })
    }

    @Test func eachLineBecomesARowOfTheIdsTokenizersGivesFilledWithMinusOne() throws {
        let folder = try TemporaryFolder()
        let (text, expected) = try corpusHead(40, case: "llama3", in: folder)
        let output = folder.path("ids.npy")
        let result = cli(["tokenize", llama3, "--text", text, "-o", output])
        #expect(result.status == .success, "\(result.err)")
        let (shape, got) = try rows(output)
        #expect(shape == [40, expected.map(\.count).max()!])
        #expect(got == expected)
        #expect(result.out == "\(output): 40 lines, \(expected.joined().count) tokens, int32 [40, \(shape[1])] (rows filled with -1)\n")
    }

    @Test func maxLengthTruncatesAndNoSpecialTokensDropsTheBeginToken() throws {
        let folder = try TemporaryFolder()
        let (text, expected) = try corpusHead(40, case: "llama3", in: folder)
        #expect(cli(["tokenize", llama3, "--text", text, "-o", folder.path("short.npy"), "--max-length", "4"]).status == .success)
        #expect(try rows(folder.path("short.npy")).rows == expected.map { Array($0.prefix(4)) })
        #expect(cli(["tokenize", llama3, "--text", text, "-o", folder.path("plain.npy"), "--no-special-tokens"]).status == .success)
        #expect(try rows(folder.path("plain.npy")).rows == expected.map { Array($0.dropFirst()) })
    }

    @Test func aModelFolderMeansItsTokenizerJSON() throws {
        let folder = try TemporaryFolder()
        let (text, expected) = try corpusHead(10, case: "gpt2", in: folder)
        let model = folder.path("model")
        try FileManager.default.createDirectory(atPath: model, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture("tokenizers/gpt2.json"), toPath: model + "/tokenizer.json")
        #expect(cli(["tokenize", model, "--text", text, "-o", folder.path("ids.npy")]).status == .success)
        #expect(try rows(folder.path("ids.npy")).rows == expected)
    }

    @Test func usageErrorsArePinned() {
        #expect(cli(["tokenize", llama3, "-o", "ids.npy"]).err
            == "quantize: missing required option '--text' (see 'quantize tokenize --help')\n")
        let zero = cli(["tokenize", llama3, "--text", "t.txt", "-o", "ids.npy", "--max-length", "0"])
        #expect(zero.status == .usage)
        #expect(zero.err == "quantize: invalid value '0' for '--max-length': expected an integer from 1 to 1073741824 "
            + "(see 'quantize tokenize --help')\n")
    }

    @Test func badInputsGiveOneLineAndWriteNothing() throws {
        let folder = try TemporaryFolder()
        let text = folder.path("text.txt"), output = folder.path("ids.npy")
        try Data([0x61, 0x62, 0xFF, 0x0A]).write(to: URL(fileURLWithPath: text))
        let badText = cli(["tokenize", llama3, "--text", text, "-o", output])
        #expect(badText.status == .failure)
        #expect(badText.err == "quantize: \(text): not UTF-8 text: invalid byte sequence at byte offset 2\n")
        try Data("fine\n".utf8).write(to: URL(fileURLWithPath: text))
        let unigram = folder.path("tokenizer.json")
        try Data(#"{"model": {"type": "Unigram", "vocab": []}}"#.utf8).write(to: URL(fileURLWithPath: unigram))
        let badTokenizer = cli(["tokenize", unigram, "--text", text, "-o", output])
        #expect(badTokenizer.status == .failure)
        #expect(badTokenizer.err == "quantize: \(unigram): 'model.type' is 'Unigram', which quantize does not implement\n")
        try Data().write(to: URL(fileURLWithPath: text))
        #expect(cli(["tokenize", llama3, "--text", text, "-o", output]).err
            == "quantize: \(text): the text file is empty: there is no line to tokenize\n")
        #expect(try folder.contents() == ["text.txt", "tokenizer.json"])
    }
}

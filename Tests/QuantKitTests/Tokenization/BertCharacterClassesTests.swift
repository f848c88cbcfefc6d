import Foundation
import Testing
@testable import QuantKit

/// Every code point through each per-character step of BERT's normalizer and pre-tokenizer,
/// against the fingerprints of `tokenizers`' own outputs (make_character_classes.py: FNV-1a 64
/// over 32-bit units, each output's scalars then 0xFFFFFFFF, per block of code points).
@Suite struct BertCharacterClassesTests {
    static let fingerprints: (blockSize: Int, hashes: [String: [String]]) = {
        let data = try! Data(contentsOf: tokenizerFixtures.appendingPathComponent("character_classes.json"))
        let object = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        return (object["block_size"] as! Int, object["fnv1a64"] as! [String: [String]])
    }()

    static let steps: [String: @Sendable (Unicode.Scalar) -> [UInt32]] = [
        "clean_text": normalizerStep(BertNormalizer(cleanText: true, handleChineseChars: false, stripAccents: false, lowercase: false)),
        "handle_chinese_chars": normalizerStep(BertNormalizer(cleanText: false, handleChineseChars: true, stripAccents: false,
                                                              lowercase: false)),
        "strip_accents": normalizerStep(BertNormalizer(cleanText: false, handleChineseChars: false, stripAccents: true,
                                                       lowercase: false)),
        "lowercase": normalizerStep(BertNormalizer(cleanText: false, handleChineseChars: false, stripAccents: false,
                                                   lowercase: true)),
        "pre_tokenizer": { [UInt32(BertPreTokenizer().split(["a", $0, "a"]).count)] },
    ]

    static func normalizerStep(_ normalizer: BertNormalizer) -> @Sendable (Unicode.Scalar) -> [UInt32] {
        { normalizer.normalize([$0]).map(\.value) }
    }

    @Test(arguments: ["clean_text", "handle_chinese_chars", "strip_accents", "lowercase", "pre_tokenizer"])
    func everyCodePointMatchesTokenizers(step: String) throws {
        let (blockSize, hashes) = Self.fingerprints
        let expected = try #require(hashes[step])
        let output = try #require(Self.steps[step])
        #expect(expected.count * blockSize == 0x110000)
        var differing: [String] = []
        for (block, want) in expected.enumerated() {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for value in block * blockSize ..< (block + 1) * blockSize {
                guard let scalar = Unicode.Scalar(UInt32(value)) else { continue }
                for unit in output(scalar) + [0xFFFF_FFFF] { hash = (hash ^ UInt64(unit)) &* 0x100_0000_01B3 }
            }
            if String(format: "%016llx", hash) != want {
                differing.append(String(format: "U+%04X...", block * blockSize))
            }
        }
        #expect(differing.isEmpty, "\(step) differs from tokenizers in the blocks starting at \(differing)")
    }
}

import Foundation
@testable import QuantKit

/// Fixtures/transformers: the tiny decoders of make_tiny_decoders.py and the MiniLM reference of
/// make_minilm_reference.py.
let transformerFixtures = fixturesFolder.appendingPathComponent("transformers")
let miniLMFolder = fixturesFolder.deletingLastPathComponent().appendingPathComponent(".cache/all-MiniLM-L6-v2").path
let miniLMAvailable = FileManager.default.fileExists(atPath: (miniLMFolder as NSString).appendingPathComponent("model.safetensors"))

/// The float32 array `name` (.npy) of fixture folder `folder`.
func fixtureFloats(_ folder: String, _ name: String) throws -> [Float] {
    try NPYFileSource(path: transformerFixtures.appendingPathComponent(folder).appendingPathComponent(name).path)
        .load(name.replacingOccurrences(of: ".npy", with: "")).floatValues()!
}

/// The int32 array `name` (.npy) of fixture folder `folder`.
func fixtureInts(_ folder: String, _ name: String) throws -> [Int] {
    let source = try NPYFileSource(path: transformerFixtures.appendingPathComponent(folder).appendingPathComponent(name).path)
    return try source.load(source.tensors[0].name).int32Values().map(Int.init)
}

/// The rows of the real tokens of a `[sequences, padded, width]` reference, sequence after
/// sequence, as `HiddenStates` packs them.
func realTokenRows(_ padded: [Float], lengths: [Int], width: Int) -> [Float] {
    let paddedLength = padded.count / (lengths.count * width)
    return lengths.enumerated().flatMap { s, length in padded[s * paddedLength * width ..< (s * paddedLength + length) * width] }
}

/// How far `ours` is from the reference `theirs`: the largest absolute difference, the largest
/// reference magnitude, and their ratio, which parity requires to be at most 1e-4.
struct Parity: CustomStringConvertible {
    let maxDifference: Float
    let scale: Float

    init(_ ours: [Float], _ theirs: [Float]) {
        precondition(ours.count == theirs.count, "\(ours.count) values against \(theirs.count)")
        maxDifference = zip(ours, theirs).map { abs($0 - $1) }.max() ?? 0
        scale = theirs.map(abs).max() ?? 0
    }

    var relative: Float { maxDifference / scale }

    var description: String {
        String(format: "max|ours - torch| = %.3e, max|torch| = %.3f, ratio %.3e", maxDifference, scale, relative)
    }
}

/// The tiny decoder `name` of the fixtures, with its reference batch.
func tinyDecoder(_ name: String) throws -> (model: LlamaDecoder, batch: TokenBatch) {
    let folder = transformerFixtures.appendingPathComponent(name).path
    let config = try TransformerConfig.load(path: folder + "/config.json")
    let model = try LlamaDecoder(config: config, weights: try CheckpointWeights(path: folder))
    let ids = try fixtureInts(name, "input_ids.npy"), lengths = try fixtureInts(name, "lengths.npy")
    let padded = ids.count / lengths.count
    return (model, TokenBatch(lengths.enumerated().map { s, length in Array(ids[s * padded ..< s * padded + length]) }))
}

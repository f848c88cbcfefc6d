import Foundation
@testable import QuantKit

/// `scheme` for the weight of every Linear of `model`'s blocks, by tensor name.
func blockLinearSchemes(_ model: some TransformerModel, _ scheme: QuantScheme) -> [String: QuantScheme] {
    Dictionary(uniqueKeysWithValues: model.blocks.flatMap(\.linears).map { ($0.prefix + ".weight", scheme) })
}

/// Every block Linear of `model` quantized by round to nearest under `schemes`, by tensor name.
func roundToNearestWeights(_ model: some TransformerModel, _ schemes: [String: QuantScheme]) throws -> [String: QuantizedTensor] {
    var weights: [String: QuantizedTensor] = [:]
    for linear in model.blocks.flatMap(\.linears) {
        guard case .float(let float) = linear.layer, let scheme = schemes[linear.prefix + ".weight"] else { continue }
        weights[linear.prefix + ".weight"] = try quantize(float.weight, shape: [float.outFeatures, float.inFeatures], scheme: scheme)
    }
    return weights
}

/// `model` with the block Linears named in `weights` running on those quantized weights.
func replacingWeights<Model: TransformerModel>(_ model: Model, _ weights: [String: QuantizedTensor]) throws -> Model {
    var model = model
    for index in model.blocks.indices {
        var replacements: [String: NetworkLayer] = [:]
        for linear in model.blocks[index].linears {
            guard let weight = weights[linear.prefix + ".weight"], case .float(let float) = linear.layer else { continue }
            replacements[linear.prefix] = .quantized(QuantizedLinear(weight: weight, bias: float.bias))
        }
        model.blocks[index] = try model.blocks[index].replacing(replacements)
    }
    return model
}

/// Deterministic token ids in `0 ..< vocabulary` (SplitMix64 from `seed`), `count` sequences
/// of `length`.
func pseudoRandomSequences(count: Int, length: Int, vocabulary: Int, seed: UInt64) -> [[Int]] {
    var state = seed
    func next() -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(vocabulary))
    }
    return (0 ..< count).map { _ in (0 ..< length).map { _ in next() } }
}

/// Mean squared difference of two equally long arrays.
func meanSquaredDifference(_ a: [Float], _ b: [Float]) -> Double {
    zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) } / Double(max(a.count, 1))
}

import Foundation

/// `count` standard-normal float32 values, the same for the same `seed` on every machine.
///
/// `SplitMix64` from `seed` gives 64-bit words; each pair of words
/// becomes two uniforms in (0, 1] from their top 53 bits, `u = (w >> 11 + 1) / 2^53`, and the
/// Box-Muller transform turns `(u1, u2)` into `√(-2 ln u1) · cos(2π u2)` and
/// `√(-2 ln u1) · sin(2π u2)`, computed in Double and rounded to float32.
public func gaussianSamples(count: Int, seed: UInt64) -> [Float] {
    var generator = SplitMix64(seed: seed)
    func uniform() -> Double { Double((generator.next() >> 11) + 1) * 0x1p-53 }
    var values: [Float] = []
    values.reserveCapacity(count + 1)
    while values.count < count {
        let radius = (-2 * log(uniform())).squareRoot()
        let angle = 2 * Double.pi * uniform()
        values.append(Float(radius * cos(angle)))
        values.append(Float(radius * sin(angle)))
    }
    return Array(values.prefix(count))
}

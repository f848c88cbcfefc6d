/// Which codes a symmetric scheme's scale spreads its range over.
///
/// - `restricted` (the default): `scale = max|x| / (2^(b-1) - 1)`, so the largest magnitude
///   maps to `±(2^(b-1) - 1)` and the codes in use are `[-(2^(b-1) - 1), 2^(b-1) - 1]`: 15 of
///   the 16 levels at 4 bits, 255 of 256 at 8. Every element is within `scale / 2`.
/// - `full`: the scale of llama.cpp's Q4_0 and Q8_0. With `m` the element of largest magnitude
///   in the scale's range (channel, group or tensor), the first in flat (C) order when `-a` and
///   `+a` both occur, `scale = m / -2^(b-1)` (a float32 true division; a zero scale, from
///   `m == 0` or from a division that underflows to zero, becomes 1), then rounded to the
///   scale's storage type (`ScaleStorage.rounded`, which keeps the sign). Codes are
///   `clamp(round(x / scale), -2^(b-1), 2^(b-1) - 1)` (a float32 true division, ties to even),
///   zero point 0. The scale is *negative* when `m > 0`: the extreme `m` maps to the code
///   `-2^(b-1)` exactly (with a float32 scale), and every one of the `2^b` codes can occur.
///   At 4 bits, `m = 2.4` gives `scale = -0.3` and codes `-8` for 2.4, `7` for -2.1 and
///   `7` (clamped from 8) for -2.4.
///
/// ## Error bound
/// With `s` the scale and `q·s` the reconstruction, in exact arithmetic:
/// - restricted: `|x - q·s| <= |s| / 2` for every element;
/// - full: `|x - q·s| <= |s| / 2` for every element with `x / s` in `[-2^(b-1) - 1/2, 2^(b-1) - 1/2]`,
///   which is every element on `m`'s side of 0 and those up to `(2^(b-1) - 1/2)·|s|` on the
///   other; the rest (magnitudes above `(2^(b-1) - 1/2)·|s|` opposite in sign to `m`) clamp to
///   `2^(b-1) - 1`, so `|x - q·s| <= |s|`. The step is `2^(b-1) / (2^(b-1) - 1)` times finer
///   than the restricted one (8/7 at 4 bits), which is what lowers the mean squared error.
/// A rounded (float16, bfloat16) scale adds the terms `ScaleStorage` states; float32 rounding
/// adds `2^-24·(|x| + |q·s|) + 2^-149`, as for the restricted range.
///
/// Full range applies to symmetric schemes under the reference scale rule and min-max ranges
/// only: asymmetric schemes use all `2^b` codes already, compressed-tensors' rule has its own
/// scale (`ScaleRule`), and a clipping search's shrunken range has no element to map to
/// `-2^(b-1)` (`fullRangeConflict` says which).
public enum SymmetricRange: String, Sendable, CaseIterable, Hashable {
    case restricted
    case full
}

extension QuantScheme {
    /// Why this scheme cannot take the full symmetric range, as the option or setting it
    /// conflicts with; nil when it can (or when its range is restricted).
    public var fullRangeConflict: FullRangeConflict? {
        guard symmetricRange == .full else { return nil }
        if floatFormat != nil { return .floatCodes }
        if !symmetric { return .asymmetric }
        if scaleRule != .reference { return .scaleRule(scaleRule) }
        if clipping != .minmax { return .clipping(clipping) }
        return nil
    }
}

/// What a full-range scheme conflicts with (see `SymmetricRange`).
public enum FullRangeConflict: Sendable, Equatable, CustomStringConvertible {
    /// An asymmetric scheme: its `2^b - 1` steps already span `[min, max]` with every code.
    case asymmetric
    /// compressed-tensors' rule, whose symmetric scale is `max|x| / ((2^b - 1) / 2)`.
    case scaleRule(ScaleRule)
    /// A clipping search, whose shrunken range has no element at its end.
    case clipping(Clipping)
    /// A float scheme (`QuantScheme.floatFormat`), whose codes are symmetric about 0 already.
    case floatCodes

    public var description: String {
        switch self {
        case .asymmetric:
            "an asymmetric scheme already uses all 2^b codes"
        case .scaleRule(let rule):
            "the \(rule.rawValue) scale rule has its own symmetric scale, max|x| / ((2^b - 1) / 2)"
        case .clipping(let clipping):
            "the \(clipping) clipping search shrinks the range, so no element maps to -2^(b-1)"
        case .floatCodes:
            "float codes are symmetric about 0, with no extra negative code to use"
        }
    }
}

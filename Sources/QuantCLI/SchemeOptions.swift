import ArgKit
import QuantKit

/// What every scheme of a run shares, from `--bits` (each rule's default width), `--axis`,
/// `--group-size`, `--clip`, `--scale-rule`, `--symmetric-range` and `--scale-dtype`, checked
/// against each other: the full symmetric range only with the reference rule and min-max
/// ranges (`FullRangeConflict`), a scale type only with the reference rule (compressed-tensors'
/// rule keeps scales in the weight's type, as the library does).
struct SchemeOptions {
    var bits: Int
    var axis: Int
    var groupSize: Int?
    var clipping: Clipping = .minmax
    var scaleRule: ScaleRule = .reference
    var symmetricRange: SymmetricRange = .restricted
    var scaleDType: DType?
    /// `--block RxC`: the block of the `*-block` schemes (default 128x128).
    var block: (rows: Int, columns: Int)?
}

extension SchemeOptions {
    /// The options `QuantizeCommand.selectionOptions` declare, typed and checked.
    init(_ arguments: ParsedArguments) throws(UsageError) {
        bits = try arguments.int("bits", in: QuantScheme.bitRange)!
        axis = try arguments.int("axis", in: -64 ... 63)!
        groupSize = try arguments.int("group-size", in: 1 ... (1 << 30))
        let clipText = arguments.string("clip")!
        guard let clipping = Clipping(clipText) else {
            throw .invalidValue(option: "--clip", value: clipText, expected: "minmax, mse or percentile:P with 0 < P <= 100")
        }
        self.clipping = clipping
        scaleRule = arguments.choice("scale-rule", as: ScaleRule.self)!
        symmetricRange = arguments.choice("symmetric-range", as: SymmetricRange.self)!
        scaleDType = arguments.choice("scale-dtype", as: DType.self)
        block = try Self.block(arguments.string("block"))
        if scaleRule != .reference, clipping != .minmax {
            throw .conflicting("--scale-rule \(scaleRule.rawValue)", "--clip \(clipText) (the rule reproduces compressed-tensors' min-max observer)")
        }
        if let scaleDType, scaleRule != .reference {
            throw .conflicting("--scale-dtype \(scaleDType.rawValue)",
                               "--scale-rule \(scaleRule.rawValue) (the rule keeps scales in the weight's own type, as the library does)")
        }
        guard symmetricRange == .full else { return }
        if scaleRule != .reference {
            throw .conflicting("--symmetric-range full", "--scale-rule \(scaleRule.rawValue) (\(FullRangeConflict.scaleRule(scaleRule)))")
        }
        if clipping != .minmax {
            throw .conflicting("--symmetric-range full", "--clip \(clipText) (\(FullRangeConflict.clipping(clipping)))")
        }
    }

    /// `RxC` (two positive integers) as a block; nil for nil.
    static func block(_ text: String?) throws(UsageError) -> (rows: Int, columns: Int)? {
        guard let text else { return nil }
        let parts = text.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 2, let rows = parts[0], let columns = parts[1], (1 ... (1 << 30)).contains(rows),
              (1 ... (1 << 30)).contains(columns) else {
            throw .invalidValue(option: "--block", value: text, expected: "ROWSxCOLUMNS, two positive integers such as 128x128")
        }
        return (rows, columns)
    }

    /// The scheme called `name` at `bits` bits with these options (`none` gives nil), or
    /// `error` when there is no such scheme; a usage error naming `given` (how the user chose
    /// the scheme: `--scheme asymmetric`, `--layer fc1=asymmetric`) when the full range does
    /// not apply to it.
    func scheme(_ name: String, bits: Int, given: String, orThrow error: UsageError) throws(UsageError) -> QuantScheme? {
        if name == "none" { return nil }
        if MicroscalingFormat(rawValue: name) != nil {
            throw .conflicting(given, "this use (the microscaling formats quantize a whole file or checkpoint folder: 'quantize IN -o OUT "
                               + "--scheme \(name)', or 'quantize eval FOLDER --scheme \(name)', whose checkpoints every command reads)")
        }
        if QuantScheme.floatNames.contains(name) || name.hasSuffix("-group") && name.hasPrefix("fp8"), bits != 8 {
            throw .conflicting("--bits \(bits)", "\(given) (FP8 codes are 8 bits)")
        }
        let isBlock = name.hasSuffix("-block")
        if let block, !isBlock { throw .conflicting("--block \(block.rows)x\(block.columns)", "\(given) (blocks are for fp8-block)") }
        if isBlock, let groupSize { throw .conflicting("--group-size \(groupSize)", "\(given) (its block is set by --block)") }
        let blockShape = isBlock ? block ?? (128, 128) : nil
        guard var scheme = QuantScheme(name: name, bits: bits, axis: axis, groupSize: blockShape?.columns ?? groupSize,
                                       blockRows: blockShape?.rows) else { throw error }
        scheme.clipping = clipping
        scheme.scaleRule = scaleRule
        scheme.symmetricRange = symmetricRange
        scheme.scaleDType = scaleDType
        if scheme.floatFormat != nil, clipping != .minmax || scaleRule != .reference {
            let option = clipping != .minmax ? "--clip \(clipping)" : "--scale-rule \(scaleRule.rawValue)"
            throw .conflicting(option, "\(given) (float codes take min-max scales, max|x| / largest value, as compressed-tensors computes them)")
        }
        if let conflict = scheme.fullRangeConflict {
            throw .conflicting("--symmetric-range full", "\(given) (\(conflict))")
        }
        return scheme
    }
}

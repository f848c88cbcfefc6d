/// `PaddingParams` for a single sequence: pad to `length` (`Fixed`), or to the sequence's own
/// length (`BatchLongest`, the longest of a batch of one), rounded up to a multiple of
/// `multiple` when given; pad tokens go on the `right` or the `left`, with attention 0.
/// A sequence already that long is left as it is.
struct Padding: Sendable, Equatable {
    enum Direction: String, Sendable {
        case left = "Left", right = "Right"
    }

    /// nil: `BatchLongest`.
    let length: Int?
    let multiple: Int?
    let direction: Direction
    let padID: Int
    let padTypeID: Int

    func padded(_ encoding: Encoding) -> Encoding {
        var target = length ?? encoding.ids.count
        if let multiple, multiple > 0, target % multiple != 0 { target += multiple - target % multiple }
        let count = target - encoding.ids.count
        guard count > 0 else { return encoding }
        let pad = Encoding(ids: Array(repeating: padID, count: count), typeIDs: Array(repeating: padTypeID, count: count),
                           attentionMask: Array(repeating: 0, count: count))
        let (first, second) = direction == .right ? (encoding, pad) : (pad, encoding)
        return Encoding(ids: first.ids + second.ids, typeIDs: first.typeIDs + second.typeIDs,
                        attentionMask: first.attentionMask + second.attentionMask)
    }
}

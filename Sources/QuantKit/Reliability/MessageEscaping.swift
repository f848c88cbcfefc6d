extension String {
    /// The string with every character that would break a one-line message made visible:
    /// `\n`, `\r` and `\t` as those escapes, other control characters (C0, DEL, C1) and the
    /// Unicode line and paragraph separators as `\u{..}`. Everything else, backslashes included,
    /// stays as it is, so ordinary names read unchanged.
    ///
    /// Every error description that shows a path or a tensor name passes it through here (and
    /// the command line passes each whole message once more), so an error is always one line:
    /// `model.npz: 'fc\n1.weight': ...` rather than a message split across two lines.
    public var escapedForMessage: String {
        guard unicodeScalars.contains(where: \.needsEscapeInMessage) else { return self }
        var result = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.needsEscapeInMessage: result += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

extension Unicode.Scalar {
    fileprivate var needsEscapeInMessage: Bool {
        value < 0x20 || (0x7F ... 0x9F).contains(value) || value == 0x2028 || value == 0x2029
    }
}

extension String {
    /// The text as one single-quoted bash or zsh word that reads back as exactly itself:
    /// `it's` becomes `'it'\''s'`. Inside single quotes nothing is special but the quote, so
    /// each quote closes the word, is written escaped, and reopens it.
    var quotedForPOSIXShell: String {
        "'" + split(separator: "'", omittingEmptySubsequences: false).joined(separator: #"'\''"#) + "'"
    }

    /// The text as one single-quoted fish word: inside fish's single quotes `\\` and `\'` are
    /// escapes, so backslashes and quotes are escaped with a backslash.
    var quotedForFish: String {
        "'" + flatMap { $0 == "\\" || $0 == "'" ? ["\\", $0] : [$0] } + "'"
    }

    /// The text as a shell function-name fragment: ASCII letters and digits kept, anything else `_`.
    var shellIdentifier: String {
        String(map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }
}

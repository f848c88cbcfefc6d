/// A `tokenizers` post-processor: adds the special tokens around the ids of a single sequence.
/// (Pairs of sequences are not encoded here.)
protocol PostProcessor: Sendable {
    /// How many tokens `process` adds (truncation leaves room for them).
    var addedTokenCount: Int { get }
    func process(_ encoding: Encoding) -> Encoding
}

/// `processors::Sequence`: each post-processor in turn (Llama 3: ByteLevel, then the template).
struct PostProcessorSequence: PostProcessor {
    let processors: [any PostProcessor]

    var addedTokenCount: Int {
        processors.reduce(0) { $0 + $1.addedTokenCount }
    }

    func process(_ encoding: Encoding) -> Encoding {
        processors.reduce(encoding) { $1.process($0) }
    }
}

/// `processors::ByteLevel`: trims offsets (which these encodings do not carry); the ids pass unchanged.
struct ByteLevelPostProcessor: PostProcessor {
    var addedTokenCount: Int { 0 }

    func process(_ encoding: Encoding) -> Encoding {
        encoding
    }
}

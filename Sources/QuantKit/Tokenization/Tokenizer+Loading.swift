import Foundation

extension Tokenizer {
    /// Reads `path`, a `tokenizer.json`. Any problem is a `FileError` naming the file, around a
    /// `FileReadError` (cannot read) or a `TokenizerFileError` (names the key and the problem:
    /// missing, mistyped, or a component kind or option that is not implemented).
    public init(contentsOfFile path: String) throws(FileError) {
        do {
            let file = try ReadOnlyFile(path: path)
            try self.init(json: try file.readBytes(at: 0, count: Int(clamping: file.size)))
        } catch {
            throw FileError(path: path, error)
        }
    }

    /// The tokenizer of a model folder (its `tokenizer.json`) or of a `tokenizer.json` file.
    /// - Returns: the tokenizer and the path of the file it came from.
    public static func load(folderOrFile path: String) throws(FileError) -> (tokenizer: Tokenizer, path: String) {
        var isFolder: ObjCBool = false
        let file = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
            ? (path as NSString).appendingPathComponent("tokenizer.json") : path
        return (try Tokenizer(contentsOfFile: file), file)
    }

    /// The tokenizer a `tokenizer.json`'s bytes describe. Documents nesting deeper than
    /// `maxJSONNestingDepth` are refused before parsing (real files nest 6 levels).
    init(json bytes: [UInt8]) throws(TokenizerFileError) {
        guard jsonNesting(of: bytes).depth <= maxJSONNestingDepth else { throw .nestedTooDeep(limit: maxJSONNestingDepth) }
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw .notJSON((error as NSError).localizedDescription)
        }
        try self.init(root: JSONField(key: "", value: root))
    }

    /// Top level: `version` must be `1.0` when present; `model` is required; `normalizer`,
    /// `pre_tokenizer`, `post_processor`, `truncation`, `padding` may be null or absent.
    private init(root: JSONField) throws(TokenizerFileError) {
        _ = try root.object()
        if let version = try root.optional("version"), try version.string() != "1.0" {
            throw .unsupportedOption(key: version.key, value: "'\(try version.string())'")
        }
        let normalizer = try root.optional("normalizer").map { field throws(TokenizerFileError) in
            try NormalizerReader.read(field)
        }
        let model = try ModelReader.read(try root["model"])
        let tokens = AddedVocabulary.assigningIDs(try TokenizerOptionsReader.addedTokens(try root.optional("added_tokens")),
                                                   model: model)
        self.init(
            addedVocabulary: AddedVocabulary(tokens: tokens, normalizer: normalizer),
            normalizer: normalizer,
            preTokenizer: try root.optional("pre_tokenizer").map { field throws(TokenizerFileError) in
                try PreTokenizerReader.read(field)
            },
            model: model,
            postProcessor: try root.optional("post_processor").map { field throws(TokenizerFileError) in
                try PostProcessorReader.read(field)
            },
            truncation: try TokenizerOptionsReader.truncation(try root.optional("truncation")),
            padding: try TokenizerOptionsReader.padding(try root.optional("padding")))
    }
}

import Foundation

/// How a sentence-transformers folder turns an encoder's token states into one embedding per
/// text: its `modules.json` lists a Transformer, a Pooling module (whose `config.json` picks
/// the mode) and optionally a Normalize module (L2 normalization).
public struct SentencePooling: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable {
        /// The average of the sequence's token states (`pooling_mode_mean_tokens`).
        case mean
        /// The first token's state, `[CLS]` (`pooling_mode_cls_token`).
        case cls
    }

    public var mode: Mode
    /// Whether each pooled vector is divided by its L2 norm (a `Normalize` module).
    public var normalize: Bool

    public init(mode: Mode, normalize: Bool) {
        self.mode = mode
        self.normalize = normalize
    }

    static let transformerModule = "sentence_transformers.models.Transformer"
    static let poolingModule = "sentence_transformers.models.Pooling"
    static let normalizeModule = "sentence_transformers.models.Normalize"

    /// The pooling `folder`'s `modules.json` describes; nil when the folder has none (a plain
    /// `BertModel` folder). Every module must be a Transformer, one Pooling (mean or CLS) and at
    /// most a Normalize; `include_prompt` has no effect, as no prompt is prepended.
    /// - Throws: a `FileError` naming `modules.json` or the pooling `config.json`.
    public static func load(folder: String) throws -> SentencePooling? {
        let modulesPath = (folder as NSString).appendingPathComponent("modules.json")
        guard FileManager.default.fileExists(atPath: modulesPath) else { return nil }
        var poolingPath: String?
        var normalize = false
        do {
            let bytes = try ReadOnlyFile.contents(of: modulesPath, limit: ModelConfig.maxBytes)
            guard let modules = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]] else {
                throw TransformerError.invalidField(field: "modules.json", expected: "an array of module objects")
            }
            for module in modules {
                let type = module["type"] as? String ?? "(no type)", path = module["path"] as? String ?? ""
                switch type {
                case transformerModule: continue
                case poolingModule where poolingPath == nil: poolingPath = (folder as NSString).appendingPathComponent(path)
                case normalizeModule: normalize = true
                default:
                    throw TransformerError.unsupportedSetting(field: "module", value: type,
                                                              supported: [transformerModule, poolingModule, normalizeModule])
                }
            }
            guard poolingPath != nil else { throw TransformerError.invalidField(field: "modules.json", expected: "a Pooling module") }
        } catch {
            throw FileError(path: modulesPath, error)
        }
        let configPath = (poolingPath! as NSString).appendingPathComponent("config.json")
        return SentencePooling(mode: try mode(configPath: configPath), normalize: normalize)
    }

    /// The one pooling mode a Pooling module's `config.json` turns on.
    private static func mode(configPath: String) throws -> Mode {
        do {
            let bytes = try ReadOnlyFile.contents(of: configPath, limit: ModelConfig.maxBytes)
            guard let object = ModelConfig.jsonObject(bytes) else { throw ModelConfigError.notAnObject }
            let fields = ConfigFields(object: object)
            let modes = ["cls_token", "mean_tokens", "max_tokens", "mean_sqrt_len_tokens", "weightedmean_tokens", "lasttoken"]
            let chosen = try modes.filter { mode throws(TransformerError) in try fields.bool("pooling_mode_" + mode, default: false) }
            switch chosen {
            case ["mean_tokens"]: return .mean
            case ["cls_token"]: return .cls
            default:
                throw TransformerError.unsupportedSetting(field: "pooling mode", value: chosen.isEmpty ? "(none)" : chosen.joined(separator: " + "),
                                                          supported: ["mean_tokens", "cls_token"])
            }
        } catch {
            throw FileError(path: configPath, error)
        }
    }

    /// One vector of `hidden.width` values per sequence, `[sequences, width]`: the mean of its
    /// token states (summed in float32, divided by the count) or its first token's state; then,
    /// with `normalize`, divided by `max(‖v‖₂, 1e-12)` as torch's `normalize` does.
    /// - Complexity: O(tokens · width).
    public func pool(_ hidden: HiddenStates) -> [Float] {
        let width = hidden.width
        var pooled = [Float](repeating: 0, count: hidden.lengths.count * width)
        for s in hidden.lengths.indices {
            let states = hidden.sequence(s), start = states.startIndex
            let count = mode == .mean ? hidden.lengths[s] : 1
            for t in 0 ..< count {
                for c in 0 ..< width { pooled[s * width + c] += states[start + t * width + c] }
            }
            for c in 0 ..< width { pooled[s * width + c] /= Float(count) }
            guard normalize else { continue }
            var squares: Float = 0
            for c in 0 ..< width { squares += pooled[s * width + c] * pooled[s * width + c] }
            let norm = max(squares.squareRoot(), 1e-12)
            for c in 0 ..< width { pooled[s * width + c] /= norm }
        }
        return pooled
    }
}

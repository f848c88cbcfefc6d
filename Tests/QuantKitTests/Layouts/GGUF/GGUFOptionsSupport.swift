@testable import QuantKit

extension GGUFQuantizationOptions {
    /// The options of `llama-quantize --pure IN OUT name` (a file type name the tests know).
    static func pure(_ name: String, importance: GGUFImportance? = nil) -> GGUFQuantizationOptions {
        var options = GGUFQuantizationOptions(fileType: LlamaFileType(named: name)!)
        options.pure = true
        options.importance = importance
        return options
    }

    /// The options of `llama-quantize IN OUT name`.
    static func mix(_ name: String) -> GGUFQuantizationOptions {
        GGUFQuantizationOptions(fileType: LlamaFileType(named: name)!)
    }
}

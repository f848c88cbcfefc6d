import Foundation

/// Typed reads of a `config.json` object's fields: an absent or `null` field takes the default
/// transformers gives it; a present field of the wrong type is an error naming it.
struct ConfigFields {
    let object: [String: Any]

    private func value(_ key: String) -> Any? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        return value
    }

    /// A whole number at least `minimum`.
    func int(_ key: String, default fallback: Int? = nil, minimum: Int = 1) throws(TransformerError) -> Int {
        guard let raw = value(key) else {
            guard let fallback else { throw .invalidField(field: key, expected: "present (an integer)") }
            return fallback
        }
        guard let number = raw as? NSNumber, !isBoolean(number), let exact = Int(exactly: number.doubleValue), exact >= minimum else {
            throw .invalidField(field: key, expected: "an integer of at least \(minimum), not \(raw)")
        }
        return exact
    }

    /// A whole number of at least 1, nil when the field is `null`, `fallback` when it is absent
    /// (mistral's `sliding_window: null` turns the window off; an absent one is 4096).
    func optionalInt(_ key: String, default fallback: Int?) throws(TransformerError) -> Int? {
        guard object[key] != nil else { return fallback }
        return value(key) == nil ? nil : try int(key)
    }

    /// A finite number.
    func double(_ key: String, default fallback: Double) throws(TransformerError) -> Double {
        guard let raw = value(key) else { return fallback }
        guard let number = raw as? NSNumber, !isBoolean(number), number.doubleValue.isFinite else {
            throw .invalidField(field: key, expected: "a number, not \(raw)")
        }
        return number.doubleValue
    }

    func bool(_ key: String, default fallback: Bool) throws(TransformerError) -> Bool {
        guard let raw = value(key) else { return fallback }
        guard let number = raw as? NSNumber, isBoolean(number) else { throw .invalidField(field: key, expected: "true or false, not \(raw)") }
        return number.boolValue
    }

    func string(_ key: String) throws(TransformerError) -> String? {
        guard let raw = value(key) else { return nil }
        guard let string = raw as? String else { throw .invalidField(field: key, expected: "a string, not \(raw)") }
        return string
    }

    /// A nested object, or nil when absent or `null`.
    func object(_ key: String) throws(TransformerError) -> ConfigFields? {
        guard let raw = value(key) else { return nil }
        guard let nested = raw as? [String: Any] else { throw .invalidField(field: key, expected: "an object, not \(raw)") }
        return ConfigFields(object: nested)
    }

    /// An array of strings, or nil when absent or `null`.
    func strings(_ key: String) throws(TransformerError) -> [String]? {
        guard let raw = value(key) else { return nil }
        guard let strings = raw as? [String] else { throw .invalidField(field: key, expected: "an array of strings") }
        return strings
    }

    /// JSONSerialization gives JSON's `true`/`false` as NSNumbers of the C type `c` (char) and
    /// numbers as other types (`i`, `q`, `d`), so a `1` is no `true` nor a `true` a 1.
    private func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }
}

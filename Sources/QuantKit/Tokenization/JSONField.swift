import Foundation

/// One value of a parsed `tokenizer.json` with the key path that reached it, so that every
/// typed getter can name the key when the value is missing or of the wrong type.
///
/// Values come from `JSONSerialization`: objects are `[String: Any]`, numbers `NSNumber` (a
/// boolean is the `NSNumber` whose `objCType` is `c`, told apart from 0 and 1).
struct JSONField {
    let key: String
    let value: Any

    /// The member `name` of this object; `.missingKey` when absent.
    subscript(_ name: String) -> JSONField {
        get throws(TokenizerFileError) {
            guard let field = try optional(name) else { throw .missingKey(path(name)) }
            return field
        }
    }

    /// The member `name` of this object, nil when absent or JSON `null`.
    func optional(_ name: String) throws(TokenizerFileError) -> JSONField? {
        guard let member = try object()[name], !(member is NSNull) else { return nil }
        return JSONField(key: path(name), value: member)
    }

    func object() throws(TokenizerFileError) -> [String: Any] {
        guard let object = value as? [String: Any] else { throw .wrongType(key: key, expected: "an object") }
        return object
    }

    func array() throws(TokenizerFileError) -> [JSONField] {
        guard let array = value as? [Any] else { throw .wrongType(key: key, expected: "an array") }
        return array.enumerated().map { JSONField(key: "\(key)[\($0.offset)]", value: $0.element) }
    }

    func string() throws(TokenizerFileError) -> String {
        guard let string = value as? String else { throw .wrongType(key: key, expected: "a string") }
        return string
    }

    func bool() throws(TokenizerFileError) -> Bool {
        guard let number = value as? NSNumber, isBoolean(number) else {
            throw .wrongType(key: key, expected: "true or false")
        }
        return number.boolValue
    }

    /// A non-negative integer below 2^32 (what `tokenizers` reads into a `u32` or `usize`).
    func nonNegativeInteger() throws(TokenizerFileError) -> Int {
        guard let number = value as? NSNumber, !isBoolean(number), let integer = Int(exactly: number),
              !"fd".contains(String(cString: number.objCType)), (0 ..< 1 << 32).contains(integer) else {
            throw .wrongType(key: key, expected: "a non-negative integer below 2^32")
        }
        return integer
    }

    /// The object's `type`, which names the component kind.
    func kind() throws(TokenizerFileError) -> String {
        try self["type"].string()
    }

    private func path(_ name: String) -> String {
        key.isEmpty ? name : "\(key).\(name)"
    }

    private func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }
}

import Foundation
import Testing

@testable import QuantKit

/// Setting one top-level member keeps every other byte of a config.json.
@Suite struct JSONMemberSpliceTests {
    func set(_ json: String, _ value: String = #"{"a": 1}"#) -> String {
        String(decoding: settingTopLevelMember("q", to: Array(value.utf8), in: Array(json.utf8)), as: UTF8.self)
    }

    func parsed(_ json: String) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? NSDictionary)
    }

    @Test func aNewMemberIsAppendedAndFloatsKeepTheirSpelling() throws {
        let result = set("{\n  \"initializer_factor\": 1.0,\n  \"x\": [1, {\"q\": 2}]\n}\n")
        #expect(result.contains("\"initializer_factor\": 1.0,"))
        #expect(try parsed(result) == ["initializer_factor": 1.0, "x": [1, ["q": 2]], "q": ["a": 1]] as NSDictionary)
    }

    @Test func anExistingMemberIsReplacedWhereverItStands() throws {
        for json in [#"{"q": {"old": [1, 2]}, "b": "}"}"#, #"{"b": 2.50, "q": null}"#, #"{"b": "\"q\"", "q": 3, "c": true}"#] {
            let result = set(json)
            let expected = try parsed(json).mutableCopy() as! NSMutableDictionary
            expected["q"] = ["a": 1]
            #expect(try parsed(result) == expected, "\(json) -> \(result)")
            #expect(result.components(separatedBy: "\"q\":").count == 2, "\(result)")
        }
        #expect(set(#"{"b": 2.50, "q": null}"#).contains("2.50"))
    }

    @Test func anEmptyObjectGetsItsFirstMember() throws {
        #expect(try parsed(set("{}")) == ["q": ["a": 1]] as NSDictionary)
        #expect(try parsed(set(" { \n } ")) == ["q": ["a": 1]] as NSDictionary)
    }
}

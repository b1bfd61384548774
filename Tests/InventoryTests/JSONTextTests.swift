import Foundation
import Testing
@testable import Inventory

/// The fast JSON of the published-state columns agrees with Foundation's coder (RFC 8259).
struct JSONTextTests {
    static let awkward = ["", "plain", "quote \" backslash \\ slash /", "tab\tnewline\ncr\r", "\u{01}\u{1F}\u{7F}",
                          "bücher ☃ 😀", "v=spf1 ip4:192.0.2.0/24 ~all"]

    static func foundation<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func testEncodingMatchesJSONEncoder() throws {
        let records = Self.awkward.map { PublishedRecord(owner: "o" + $0, strings: [$0, $0 + "x"]) }
        let sets = ["sendgrid": ["192.0.2.0/24", "2001:db8::/32"], "own": [], "a-b": Self.awkward]
        // Control characters may be written as \u001f or \u001F; compare decoded values too.
        #expect(JSONText.records(records).lowercased() == (try Self.foundation(records)).lowercased())
        #expect(JSONText.passSets(sets).lowercased() == (try Self.foundation(sets)).lowercased())
        #expect(JSONText.strings(Self.awkward).lowercased() == (try Self.foundation(Self.awkward)).lowercased())
        #expect(try JSONDecoder().decode([PublishedRecord].self, from: Data(JSONText.records(records).utf8)) == records)
        #expect(try JSONDecoder().decode([String: [String]].self, from: Data(JSONText.passSets(sets).utf8)) == sets)
    }

    @Test func testParsingRoundTripsFoundationOutput() throws {
        let records = Self.awkward.map { PublishedRecord(owner: $0, strings: [$0]) }
        #expect(JSONText.parseRecords(try Self.foundation(records)) == records)
        #expect(JSONText.parseStrings(try Self.foundation(Self.awkward)) == Self.awkward)
        let sets = ["own": ["198.51.100.0/24"], "x": Self.awkward]
        #expect(JSONText.parsePassSets(try Self.foundation(sets)) == sets)
        #expect(JSONText.parseRecords("[]") == [])
        #expect(JSONText.parsePassSets(" { } ") == [:])
    }

    @Test func testParsingHandlesEscapesAndWhitespace() {
        #expect(JSONText.parseStrings(#"[ "a\/b" , "\u00e9\ud83d\ude00" ,"\b\f\n\r\t\"\\" ]"#)
                == ["a/b", "é😀", "\u{08}\u{0C}\n\r\t\"\\"])
        #expect(JSONText.parseRecords(#"[{"strings":["s"],"owner":"o"}]"#) == [PublishedRecord(owner: "o", strings: ["s"])])
    }

    @Test(arguments: [
        "", "[", "[\"a\"", "[\"a\",]", "[1]", "[null]", "{\"a\":\"b\"}", "[\"a\"] x", "[\"\\x\"]", "[\"\\u12\"]",
        "[\"\\ud83d\"]", "[\"\\ude00\"]", "[\"a\nb\"]", "{\"a\":[],\"a\":[]}", "[\"\\u+123\"]",
    ])
    func testParsingRefusesOtherShapes(text: String) {
        #expect(JSONText.parseStrings(text) == nil)
        #expect(JSONText.parsePassSets(text) == nil)
    }

    @Test func testRecordsWithExtraOrMissingMembersAreNotParsed() {
        #expect(JSONText.parseRecords(#"[{"owner":"o"}]"#) == nil)
        #expect(JSONText.parseRecords(#"[{"owner":"o","strings":["s"],"ttl":"1"}]"#) == nil)
        #expect(JSONText.parseRecords(#"[{"owner":["o"],"strings":["s"]}]"#) == nil)
    }
}

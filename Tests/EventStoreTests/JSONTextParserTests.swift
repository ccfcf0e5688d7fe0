import XCTest

@testable import EventStore

final class JSONTextParserTests: XCTestCase {
    func testParsesWhatJsonbPrintsAndWhatRFC8259Allows() throws {
        XCTAssertEqual(
            try JSONValue(parsing: #" { "a" : [ 1 , -2 , 0 , true , false , null , {} , [] ] , "b" : "x" } "#),
            .object([
                "a": .array([.int(1), .int(-2), .int(0), .bool(true), .bool(false), .null, .object([:]), .array([])]),
                "b": .string("x"),
            ]))
        XCTAssertEqual(
            try JSONValue(parsing: #""\"\\\/\b\f\n\r\t\u0041\u00e9\ud83d\ude00 ✓""#), .string("\"\\/\u{8}\u{c}\n\r\tAé😀 ✓"))
        XCTAssertEqual(try JSONValue(parsing: "-9223372036854775808"), .int(Int64.min))
        XCTAssertEqual(try JSONValue(parsing: "9223372036854775807"), .int(Int64.max))
        XCTAssertEqual(
            try JSONValue(parsing: #"{"k": 1, "k": 2}"#), .object(["k": .int(2)]), "the last duplicate wins, as in jsonb")
    }

    func testRefusesMalformedTextAndWhatJSONValueCannotHold() {
        for text in [
            "", " ", "{", "[1,]", "{\"a\"}", "{\"a\":1,}", "01", "-", "1.5", "1e3", "9223372036854775808",
            "-9223372036854775809", "tru", "nul", "\"abc", "\"a\nb\"", #""\x""#, #""\ud800""#, #""\udc00""#,
            #""\u12""#, "1 2", "[1] x", String(repeating: "[", count: 300) + String(repeating: "]", count: 300),
        ] {
            XCTAssertThrowsError(try JSONValue(parsing: text), "\(text.prefix(20))")
        }
    }

    func testRoundTripsCanonicalTextOfTrickyValues() throws {
        let value = JSONValue.object([
            "quote\"": .string("a\"b\\c/d"), "controls": .string("\u{1}\u{8}\u{c}\n\r\t\u{1f}"), "unicode": .string("é✓😀\u{7f}"),
            "nested": .object(["zz": .array([.int(-1), .null, .bool(false)]), "a": .object([:])]), "": .string(""),
        ])
        XCTAssertEqual(try JSONValue(parsing: value.canonicalText()), value)
    }
}

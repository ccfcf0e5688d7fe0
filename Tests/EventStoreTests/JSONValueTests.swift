import XCTest

@testable import EventStore

final class JSONValueTests: XCTestCase {
    func testCanonicalTextOrdersKeysByLengthThenBytes() throws {
        let value = JSONValue.object(["bb": .int(2), "a": .int(1), "ab": .null, "c": .array([.bool(true), .string("x")])])
        XCTAssertEqual(try value.canonicalText(), #"{"a": 1, "c": [true, "x"], "ab": null, "bb": 2}"#)
        XCTAssertEqual(try JSONValue.object([:]).canonicalText(), "{}")
        XCTAssertEqual(try JSONValue.array([]).canonicalText(), "[]")
    }

    func testStringsEscapeOnlyWhatJsonbEscapes() throws {
        let text = try JSONValue.string("q\"b\\/\u{8}\u{c}\n\r\t\u{1}é✓\u{7f}").canonicalText()
        XCTAssertEqual(text, #""q\"b\\/\b\f\n\r\t\u0001é✓"# + "\u{7f}\"")
        XCTAssertThrowsError(try JSONValue.string("a\u{0}b").canonicalText()) { error in
            XCTAssertEqual(error as? JSONValueError, .nulCharacter)
        }
    }

    func testParsingRoundTripsEveryKind() throws {
        let value = JSONValue.object([
            "n": .null, "t": .bool(true), "f": .bool(false), "i": .int(-42), "big": .int(Int64.max),
            "s": .string("é\n"), "a": .array([.int(1), .object(["k": .string("v")])]),
        ])
        XCTAssertEqual(try JSONValue(parsing: value.canonicalText()), value)
        XCTAssertEqual(try JSONValue(parsing: "1"), .int(1))
        XCTAssertEqual(try JSONValue(parsing: "true"), .bool(true))
        XCTAssertThrowsError(try JSONValue(parsing: "{"))
        XCTAssertThrowsError(try JSONValue(parsing: "1.5"))
    }
}

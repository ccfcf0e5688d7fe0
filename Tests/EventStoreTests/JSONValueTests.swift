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

final class HashChainTests: XCTestCase {
    private let eventID = UUID(uuidString: "0F8FAD5B-D9CB-469F-A165-70867728950E")!

    private func link(previous: [UInt8], position: Int64 = 1, data: String = #"{"a": 1}"#) -> [UInt8] {
        HashChain.hash(
            previousHash: previous, position: position, streamID: StreamID("employee-1"), streamVersion: 1,
            eventID: eventID, type: "EmployeeCreated", schemaVersion: 1, dataText: data, metadataText: "{}",
            recordedAtMicroseconds: 1_700_000_000_000_000)
    }

    func testEveryPartOfTheContentChangesTheHash() {
        let genesis = ChainHead.genesis.hash
        let base = link(previous: genesis)
        XCTAssertEqual(base.count, 32)
        XCTAssertEqual(base, link(previous: genesis), "the hash is deterministic")
        XCTAssertNotEqual(base, link(previous: [UInt8](repeating: 1, count: 32)))
        XCTAssertNotEqual(base, link(previous: genesis, position: 2))
        XCTAssertNotEqual(base, link(previous: genesis, data: #"{"a": 2}"#))
    }

    func testLengthPrefixesKeepFieldBoundariesApart() {
        let left = HashChain.hash(
            previousHash: ChainHead.genesis.hash, position: 1, streamID: StreamID("ab"), streamVersion: 1, eventID: eventID,
            type: "c", schemaVersion: 1, dataText: "{}", metadataText: "{}", recordedAtMicroseconds: 0)
        let right = HashChain.hash(
            previousHash: ChainHead.genesis.hash, position: 1, streamID: StreamID("a"), streamVersion: 1, eventID: eventID,
            type: "bc", schemaVersion: 1, dataText: "{}", metadataText: "{}", recordedAtMicroseconds: 0)
        XCTAssertNotEqual(left, right)
    }
}

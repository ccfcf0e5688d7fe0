import CivilTime
import Foundation
import HTTP
import XCTest

@testable import App
@testable import Records

final class RecordEncodingTests: XCTestCase {
    func testARecordIsWrittenExactlyAsTheEncoderWritesIt() throws {
        let awkward = ["Zoë", "O'Brien \"the\" \\ 1/2", "tab\there\nnew\u{1}line\u{1F}\u{8}\u{C}\r", "日本語 🎉", ""]
        for (index, text) in awkward.enumerated() {
            let record = EmployeeRecord(
                empNo: 10_000 + index, firstName: text, lastName: "L\(text)", birthDate: "1970-01-0\(index + 1)",
                gender: index % 2 == 0 ? "F" : "M", hireDate: "2000-02-29", email: "a\(index)+\(text)@example.com",
                disabled: index % 2 == 1, version: index, createdAt: Date(timeIntervalSince1970: 1_700_000_000.62),
                updatedAt: Date(timeIntervalSince1970: Double(index) * 86_400.001))
            guard case .bytes(let body) = JSONResponse.make(record).body else { return XCTFail("a streamed body") }
            XCTAssertEqual(
                String(decoding: body, as: UTF8.self), String(decoding: try JSONResponse.encoder.encode(record), as: UTF8.self))
            let decoded = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
            XCTAssertEqual(decoded?["first_name"] as? String, text)
        }
    }

    func testAPageHoldsRecordsAsTheEncoderWritesThemAndANullCursorAtTheEnd() throws {
        let records = (0..<3).map { index in
            EmployeeRecord(
                empNo: 500 + index, firstName: "Fïrst\(index)", lastName: "La\"st", birthDate: "1960-01-01", gender: "M",
                hireDate: "1990-01-01", email: "p\(index)@example.com", disabled: false, version: 1,
                createdAt: Date(timeIntervalSince1970: 1_000_000_000.5), updatedAt: Date(timeIntervalSince1970: 1_000_000_001))
        }
        let encoded = try records.map { String(decoding: try JSONResponse.encoder.encode($0), as: UTF8.self) }
        let pages = [
            (
                EmployeePage(items: records, nextAfter: 502),
                #"{"items":["# + encoded.joined(separator: ",") + #"],"next_after":502}"#
            ),
            (EmployeePage(items: [], nextAfter: nil), #"{"items":[],"next_after":null}"#),
        ]
        for (page, expected) in pages {
            guard case .bytes(let body) = JSONResponse.make(page).body else { return XCTFail("a streamed body") }
            XCTAssertEqual(String(decoding: body, as: UTF8.self), expected)
        }
    }

    func testTimestampsHaveMillisecondsInUTCAndMatchTheStoredMicroseconds() {
        XCTAssertEqual(ISO8601.string(from: Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(ISO8601.string(from: Date(timeIntervalSince1970: 951_782_400.999_9)), "2000-02-29T00:00:00.999Z")
        XCTAssertEqual(ISO8601.string(from: Date(timeIntervalSince1970: -0.001)), "1969-12-31T23:59:59.999Z")
        // A stored .620000 prints as .620, so an `as_of` copied from a response still includes that event.
        XCTAssertEqual(ISO8601.string(from: Date(timeIntervalSince1970: 2_082_376_404.62)), "2035-12-27T13:53:24.620Z")
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for seconds in stride(from: 0.0, to: 4_000_000_000, by: 86_399_999.5) {
            let date = Date(timeIntervalSince1970: seconds)
            XCTAssertEqual(ISO8601.string(from: date), style.format(date))
            XCTAssertEqual(ISO8601.date(from: ISO8601.string(from: date)), date)
        }
    }

    func testOptionalWhitespaceIsTrimmedOnlyAtTheEnds() {
        XCTAssertEqual(" \t abc def\t ".trimmingOptionalWhitespace, "abc def")
        XCTAssertEqual("\t\t".trimmingOptionalWhitespace, "")
        XCTAssertEqual("\nkeep\n".trimmingOptionalWhitespace, "\nkeep\n")
        XCTAssertEqual("  é ".trimmingOptionalWhitespace, "é")
    }
}

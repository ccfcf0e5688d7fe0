import CivilTime
import Foundation
import XCTest

final class CivilTimeTests: XCTestCase {
    func testDaysRoundTripAcrossErasAndLeapDays() {
        for days in stride(from: -800_000, through: 3_000_000, by: 97) {
            let (year, month, day) = CivilCalendar.day(fromDaysSinceUnixEpoch: days)
            XCTAssertTrue(CivilCalendar.isValid(year: year, month: month, day: day), "day \(days)")
            XCTAssertEqual(CivilCalendar.daysSinceUnixEpoch(year: year, month: month, day: day), days)
        }
        XCTAssertEqual(CivilCalendar.daysSinceUnixEpoch(year: 1970, month: 1, day: 1), 0)
        XCTAssertEqual(CivilCalendar.daysSinceUnixEpoch(year: 2000, month: 3, day: 1), 11_017)
        XCTAssertTrue(CivilCalendar.isValid(year: 2000, month: 2, day: 29))
        XCTAssertFalse(CivilCalendar.isValid(year: 1900, month: 2, day: 29))
    }

    func testFullDateFieldsNeedTheExactLayout() {
        XCTAssertEqual(CivilCalendar.fullDateFields("2024-02-29".utf8)?.day, 29)
        XCTAssertNil(CivilCalendar.fullDateFields("2024-2-29".utf8))
        XCTAssertNil(CivilCalendar.fullDateFields("2024/02/29".utf8))
        XCTAssertNil(CivilCalendar.fullDateFields("2024-02-2x".utf8))
    }

    /// Whole seconds (no fraction to round) format exactly as Foundation's ISO 8601 style does, before and after 1970.
    /// From 1590 on: before the Gregorian reform Foundation counts Julian days, while this (like gmtime and
    /// PostgreSQL) stays proleptic Gregorian.
    func testTimestampsMatchFoundationForWholeSeconds() {
        var seed: UInt64 = UInt64.random(in: 1...UInt64.max)
        let start = seed
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for _ in 0..<2000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let seconds = Int64(bitPattern: seed >> 1) % 200_000_000_000 - 11_990_000_000
            let date = Date(timeIntervalSince1970: Double(seconds))
            XCTAssertEqual(ISO8601.string(from: date), date.formatted(style), "seed \(start), seconds \(seconds)")
        }
    }

    func testParsingRefusesWhatTheCalendarDoesNotHave() {
        XCTAssertEqual(ISO8601.date(from: "1970-01-02")?.timeIntervalSince1970, 86_400)
        XCTAssertEqual(ISO8601.date(from: "2024-05-01T14:00:00.5+02:00")?.timeIntervalSince1970, 1_714_564_800.5)
        XCTAssertNil(ISO8601.date(from: "2027-02-30"))
        XCTAssertNil(ISO8601.date(from: "2024-05-01T25:00:00Z"))
        XCTAssertNil(ISO8601.date(from: "0000-01-01"))
    }
}

import Employees
import XCTest

final class CalendarDateTests: XCTestCase {
    func testParsesStrictISO() throws {
        let parsed = try CalendarDate(iso: "1953-09-02")
        XCTAssertEqual([parsed.year, parsed.month, parsed.day], [1953, 9, 2])
        XCTAssertEqual(parsed.iso, "1953-09-02")
    }

    func testRejectsISOVariantsAsFormatErrors() {
        for text in [
            "1953-9-02", "1953-09-2", "53-09-02", "1953/09/02", "1953-09-02T00:00", " 1953-09-02", "1953-09-02 ",
            "19530902", "+953-09-02", "1953-0a-02", "", "1953--09-02", "1953-09-02-", "１９５３-09-02",
        ] {
            XCTAssertThrowsError(try CalendarDate(iso: text), text) { error in
                XCTAssertEqual(error as? CalendarDateError, .invalidFormat, text)
            }
        }
    }

    func testRejectsDaysThatDoNotExist() {
        for text in ["2023-02-29", "1900-02-29", "2020-04-31", "2020-13-01", "2020-00-10", "2020-01-00", "0000-01-01"] {
            XCTAssertThrowsError(try CalendarDate(iso: text), text) { error in
                XCTAssertEqual(error as? CalendarDateError, .notACalendarDate, text)
            }
        }
    }

    func testLeapYears() throws {
        XCTAssertNoThrow(try CalendarDate(iso: "2024-02-29"))
        XCTAssertNoThrow(try CalendarDate(iso: "2000-02-29"))
        XCTAssertTrue(CalendarDate.isLeap(year: 2000))
        XCTAssertFalse(CalendarDate.isLeap(year: 1900))
        XCTAssertFalse(CalendarDate.isLeap(year: 2023))
        XCTAssertEqual(CalendarDate.daysIn(month: 2, year: 2024), 29)
        XCTAssertEqual(CalendarDate.daysIn(month: 2, year: 2100), 28)
    }

    func testParsesTheOriginalDayMonthYearLayout() throws {
        XCTAssertEqual(try CalendarDate(dayMonthYear: "2/9/1953"), date("1953-09-02"))
        XCTAssertEqual(try CalendarDate(dayMonthYear: "02/09/1953"), date("1953-09-02"))
        XCTAssertEqual(try CalendarDate(dayMonthYear: "31/12/1999"), date("1999-12-31"))
        XCTAssertEqual(try CalendarDate(dayMonthYear: "29/2/2024"), date("2024-02-29"))
    }

    func testDayMonthYearRejectsBadLayoutsAndImpossibleDays() {
        for text in ["2/9/53", "2-9-1953", "002/9/1953", "2/9/19533", "/9/1953", "2/9", "2/9/1953/", "a/9/1953"] {
            XCTAssertThrowsError(try CalendarDate(dayMonthYear: text), text) { error in
                XCTAssertEqual(error as? CalendarDateError, .invalidFormat, text)
            }
        }
        for text in ["31/4/2020", "29/2/2023", "1/13/2020", "0/1/2020"] {
            XCTAssertThrowsError(try CalendarDate(dayMonthYear: text), text) { error in
                XCTAssertEqual(error as? CalendarDateError, .notACalendarDate, text)
            }
        }
    }

    func testParsingPicksTheLayoutBySeparator() throws {
        XCTAssertEqual(try CalendarDate(parsing: "26/6/1986"), date("1986-06-26"))
        XCTAssertEqual(try CalendarDate(parsing: "1986-06-26"), date("1986-06-26"))
        XCTAssertThrowsError(try CalendarDate(parsing: "1986/06/26"))
    }

    func testComparesChronologically() {
        XCTAssertLessThan(date("1999-12-31"), date("2000-01-01"))
        XCTAssertLessThan(date("2000-01-31"), date("2000-02-01"))
        XCTAssertLessThan(date("2000-02-01"), date("2000-02-02"))
        XCTAssertEqual(date("2000-02-01"), CalendarDate(year: 2000, month: 2, day: 1))
    }

    func testDaysSinceEpoch() {
        XCTAssertEqual(date("1970-01-01").daysSinceEpoch, 0)
        XCTAssertEqual(date("1970-01-02").daysSinceEpoch, 1)
        XCTAssertEqual(date("1969-12-31").daysSinceEpoch, -1)
        XCTAssertEqual(date("2000-03-01").daysSinceEpoch, 11_017)
        XCTAssertEqual(date("2024-02-29").daysSinceEpoch, 19_782)
        XCTAssertEqual(date("1900-01-01").daysSinceEpoch, -25_567)
        XCTAssertEqual(date("0001-01-01").daysSinceEpoch, -719_162)
    }

    func testDaysSinceEpochRoundTripsOverFourCenturies() {
        let start = date("1800-01-01").daysSinceEpoch
        var previous = CalendarDate(daysSinceEpoch: start - 1)!
        for days in start...(start + 146_097) {
            guard let day = CalendarDate(daysSinceEpoch: days) else { return XCTFail("no date for \(days)") }
            XCTAssertEqual(day.daysSinceEpoch, days)
            XCTAssertLessThan(previous, day)
            previous = day
        }
        XCTAssertEqual(previous, date("2200-01-01"))
    }

    func testDaysSinceEpochOutsideYearsOneToNineThousandNineHundredNinetyNine() {
        XCTAssertNil(CalendarDate(daysSinceEpoch: date("0001-01-01").daysSinceEpoch - 1))
        XCTAssertNil(CalendarDate(daysSinceEpoch: date("9999-12-31").daysSinceEpoch + 1))
    }

    func testAddingYearsClampsTheLeapDay() {
        XCTAssertEqual(date("2024-02-29").adding(years: 1), date("2025-02-28"))
        XCTAssertEqual(date("2024-02-29").adding(years: 4), date("2028-02-29"))
        XCTAssertEqual(date("2025-06-15").adding(years: 1), date("2026-06-15"))
        XCTAssertNil(date("9999-01-01").adding(years: 1))
    }
}

import XCTest

@testable import HTTP

/// The ticket key schedule, with an injected clock: a new key per rotation period, older keys accepted (and their
/// tickets renewed) until twice that age, then forgotten.
final class TLSTicketKeysTests: XCTestCase {
    func testKeysRotateAndExpire() throws {
        let hour: UInt64 = 3_600_000_000_000
        let keys = TLSTicketKeys(rotation: .seconds(3600))
        let first = try XCTUnwrap(keys.current(now: 10 * hour))
        XCTAssertEqual(first.name.count, TLSTicketKeys.nameLength)
        XCTAssertEqual(first.cipherKey.count, 32)
        XCTAssertEqual(first.macKey.count, 32)
        XCTAssertEqual(try XCTUnwrap(keys.current(now: 10 * hour + hour / 2)).name, first.name, "same key within the period")
        let lookup = { (key: TLSTicketKeys.Key, now: UInt64) in
            key.name.withUnsafeBufferPointer { keys.key(named: $0.baseAddress!, now: now) }
        }
        XCTAssertEqual(lookup(first, 10 * hour + hour / 2)?.renew, false)

        let second = try XCTUnwrap(keys.current(now: 11 * hour))
        XCTAssertNotEqual(second.name, first.name, "a new key after one period")
        XCTAssertNotEqual(second.cipherKey, first.cipherKey)
        XCTAssertEqual(lookup(first, 11 * hour)?.renew, true, "the previous key still opens tickets, which are renewed")
        XCTAssertEqual(lookup(second, 11 * hour)?.renew, false)
        XCTAssertNil(lookup(first, 12 * hour), "a key is forgotten at twice the period")
        XCTAssertNotNil(lookup(second, 12 * hour))
        var unknown = [UInt8](repeating: 7, count: TLSTicketKeys.nameLength)
        XCTAssertNil(keys.key(named: &unknown, now: 11 * hour))
    }
}

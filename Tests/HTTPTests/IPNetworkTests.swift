import HTTP
import XCTest

final class IPNetworkTests: XCTestCase {
    func testParsesAddressesAndNetworksAndRefusesAnythingElse() {
        XCTAssertEqual(IPNetwork(cidr: "10.0.0.0/8")?.description, "10.0.0.0/8")
        XCTAssertEqual(IPNetwork(cidr: "127.0.0.1")?.description, "127.0.0.1/32")
        XCTAssertEqual(IPNetwork(cidr: "::1")?.description, "::1/128")
        XCTAssertEqual(IPNetwork(cidr: "2001:db8::/32")?.description, "2001:db8::/32")
        for bad in [
            "", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/+8", "10.0.0.0/-1", "10.0.0", "127.000.0.1", "localhost",
            "1.2.3.4/8/8",
        ] {
            XCTAssertNil(IPNetwork(cidr: bad), bad)
        }
        XCTAssertEqual(IPNetwork.list("127.0.0.1, 10.0.0.0/8 ::1")?.count, 3)
        XCTAssertEqual(IPNetwork.list("")?.count, 0)
        XCTAssertNil(IPNetwork.list("127.0.0.1, proxy.internal"))
    }

    func testContainsComparesBytesUnderThePrefix() throws {
        let private10 = try XCTUnwrap(IPNetwork(cidr: "10.0.0.0/8"))
        XCTAssertTrue(private10.contains("10.255.3.4"))
        XCTAssertFalse(private10.contains("11.0.0.1"))
        XCTAssertTrue(private10.contains("::ffff:10.1.2.3"), "an IPv4 peer on a dual-stack listener")
        XCTAssertFalse(private10.contains("::1"))
        XCTAssertFalse(private10.contains("10.0.0.1 "), "text that is not exactly an address")

        let odd = try XCTUnwrap(IPNetwork(cidr: "192.168.4.0/22"))
        XCTAssertTrue(odd.contains("192.168.7.255"))
        XCTAssertFalse(odd.contains("192.168.8.0"))

        let documentation = try XCTUnwrap(IPNetwork(cidr: "2001:db8::/32"))
        XCTAssertTrue(documentation.contains("2001:db8:ffff::1"))
        XCTAssertFalse(documentation.contains("2001:db9::1"))
        XCTAssertFalse(documentation.contains("10.0.0.1"))

        XCTAssertTrue(try XCTUnwrap(IPNetwork(cidr: "0.0.0.0/0")).contains("203.0.113.7"))
        XCTAssertTrue(try XCTUnwrap(IPNetwork(cidr: "127.0.0.1")).contains("127.0.0.1"))
        XCTAssertFalse(try XCTUnwrap(IPNetwork(cidr: "127.0.0.1")).contains("127.0.0.2"))
    }
}

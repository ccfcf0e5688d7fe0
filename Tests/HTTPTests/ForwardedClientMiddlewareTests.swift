import XCTest

@testable import HTTP

final class ForwardedClientMiddlewareTests: XCTestCase {
    private let middleware = ForwardedClientMiddleware<String>(trustedProxies: IPNetwork.list("127.0.0.1, 10.0.0.0/8")!)

    func testTheClientIsTheRightmostAddressNoTrustedProxyAppended() {
        XCTAssertEqual(middleware.client(forwardedFor: ["203.0.113.7"]), "203.0.113.7")
        XCTAssertEqual(
            middleware.client(forwardedFor: ["198.51.100.1, 203.0.113.7, 10.0.0.5"]), "203.0.113.7",
            "what the client wrote on the left is not believed; the inner proxy 10.0.0.5 is skipped")
        XCTAssertEqual(middleware.client(forwardedFor: ["198.51.100.1", "203.0.113.7 , 10.1.1.1"]), "203.0.113.7")
        XCTAssertEqual(middleware.client(forwardedFor: ["2001:db8::7"]), "2001:db8::7")
    }

    func testAChainThatNamesNoUsableClientLeavesThePeer() {
        XCTAssertNil(middleware.client(forwardedFor: []))
        XCTAssertNil(middleware.client(forwardedFor: ["10.0.0.1, 127.0.0.1"]))
        XCTAssertNil(middleware.client(forwardedFor: ["203.0.113.7, unknown"]))
        XCTAssertNil(middleware.client(forwardedFor: ["203.0.113.7,"]))
        XCTAssertNil(middleware.client(forwardedFor: ["<script>"]))
    }
}

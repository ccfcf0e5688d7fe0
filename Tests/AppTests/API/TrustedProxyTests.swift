import Postgres
import Security
import TestSupport
import XCTest

@testable import App

/// The client address the logs and the login throttle key on, behind a reverse proxy named in
/// `EMPLOYEES_TRUSTED_PROXIES`, and when no proxy is named: over a real socket, read back from the security log.
final class TrustedProxyTests: XCTestCase {
    private func failedLoginAddress(_ harness: ServiceHarness, forwardedFor: String) async throws -> String? {
        let response = try await harness.client.form(
            "/auth/token", [("grant_type", "password"), ("username", "nobody@example.com"), ("password", "wrong")],
            headers: [("X-Forwarded-For", forwardedFor)])
        XCTAssertEqual(response.status, 400, response.text)
        await harness.service.context.securityLog.flush()
        return try await harness.service.context.pool.withConnection { connection in
            try connection.query(
                "SELECT client_address FROM security_log WHERE kind = 'login_failed' ORDER BY id DESC LIMIT 1"
            ).first?.decode(String?.self, column: 0)
        }
    }

    func testBehindANamedProxyTheForwardedClientIsTheAddress() async throws {
        let harness = try await ServiceHarness.start(environment: ["EMPLOYEES_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"])
        do {
            let seen = try await failedLoginAddress(harness, forwardedFor: "198.51.100.1, 203.0.113.7, 10.0.0.5")
            XCTAssertEqual(seen, "203.0.113.7", "the rightmost address no trusted proxy vouches for")
            let malformed = try await failedLoginAddress(harness, forwardedFor: "203.0.113.7, not-an-address")
            XCTAssertEqual(malformed, "127.0.0.1", "a malformed chain leaves the proxy's own address")
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    func testWithoutANamedProxyTheHeaderIsIgnored() async throws {
        let harness = try await ServiceHarness.start()
        do {
            let seen = try await failedLoginAddress(harness, forwardedFor: "203.0.113.7")
            XCTAssertEqual(seen, "127.0.0.1", "any client can send the header; only a named proxy is believed")
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
        let untrusted = try await ServiceHarness.start(environment: ["EMPLOYEES_TRUSTED_PROXIES": "10.0.0.0/8"])
        do {
            let seen = try await failedLoginAddress(untrusted, forwardedFor: "203.0.113.7")
            XCTAssertEqual(seen, "127.0.0.1", "a peer outside the named proxies is not believed either")
        } catch {
            await untrusted.stop()
            throw error
        }
        await untrusted.stop()
    }

    func testASettingThatIsNotANetworkRefusesToStart() async throws {
        do {
            let harness = try await ServiceHarness.start(environment: ["EMPLOYEES_TRUSTED_PROXIES": "proxy.internal"])
            await harness.stop()
            XCTFail("the service started with an unusable EMPLOYEES_TRUSTED_PROXIES")
        } catch let error as TrustedProxiesSettingError {
            XCTAssertTrue(error.description.contains("EMPLOYEES_TRUSTED_PROXIES"), error.description)
        }
    }
}

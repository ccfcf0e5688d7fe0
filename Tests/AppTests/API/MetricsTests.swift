import Foundation
import Security
import TestSupport
import XCTest

@testable import App
@testable import Operations

/// `GET /metrics` over a real socket: well-formed Prometheus text, counts by operation and status (401/403
/// included), and no high-cardinality labels.
final class MetricsTests: ServiceTestCase {
    /// Sample lines by series (name plus labels), as the scraper reads them.
    private func scrape() async throws -> (text: String, samples: [String: Double]) {
        let response = try await client.send("GET", "/metrics")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8")
        var samples: [String: Double] = [:]
        for line in response.text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else {
                XCTFail("malformed line \(line)")
                continue
            }
            let series = String(line[..<space])
            let value = line[line.index(after: space)...]
            XCTAssertNotNil(
                series.range(of: #"^[a-z_]+(\{([a-z_]+="[^"\\]*",)*[a-z_]+="[^"\\]*"\})?$"#, options: .regularExpression),
                "malformed series \(series)")
            samples[series] = value == "+Inf" ? .infinity : Double(value)
            XCTAssertNotNil(samples[series], "malformed value in \(line)")
        }
        return (response.text, samples)
    }

    func testRequestsAreCountedByOperationAndStatusIncludingAuthenticationFailures() async throws {
        let empNo = try await harness.makeEmployee(email: "reader@example.com", scopes: [.userRead])
        let token = try harness.token(for: empNo, scopes: [.userRead])
        _ = try await client.send("GET", "/healthz")
        _ = try await client.send("GET", "/healthz")
        _ = try await client.send("GET", "/events")  // 401
        _ = try await client.json("GET", "/events", token: token)  // 403
        _ = try await client.json("GET", "/employees/\(empNo)", token: token)  // 200
        _ = try await client.json("GET", "/employees/987654", token: token)  // 403: not own, no admin:read
        _ = try await client.send("GET", "/no/such/path/4242")  // 404, unmatched
        _ = try await client.send("BREW", "/healthz")  // 405, an extension method

        let (text, samples) = try await scrape()
        let requests = "employees_http_requests_total"
        XCTAssertEqual(samples[#"\#(requests){operation="health",method="GET",status="200"}"#], 2)
        XCTAssertEqual(samples[#"\#(requests){operation="listEvents",method="GET",status="401"}"#], 1)
        XCTAssertEqual(samples[#"\#(requests){operation="listEvents",method="GET",status="403"}"#], 1)
        XCTAssertEqual(samples[#"\#(requests){operation="getEmployee",method="GET",status="200"}"#], 1)
        XCTAssertEqual(samples[#"\#(requests){operation="getEmployee",method="GET",status="403"}"#], 1)
        XCTAssertEqual(samples[#"\#(requests){operation="unmatched",method="GET",status="404"}"#], 1)
        XCTAssertEqual(samples[#"\#(requests){operation="unmatched",method="OTHER",status="405"}"#], 1)

        let duration = "employees_http_request_duration_seconds"
        XCTAssertEqual(samples[#"\#(duration)_count{operation="health",method="GET"}"#], 2)
        XCTAssertEqual(samples[#"\#(duration)_bucket{operation="health",method="GET",le="+Inf"}"#], 2)
        let buckets = samples.filter { $0.key.hasPrefix(#"\#(duration)_bucket{operation="health",method="GET",le="#) }
        XCTAssertEqual(buckets.count, RequestMetrics.bucketBounds.count + 1)
        var previous = 0.0
        for bound in RequestMetrics.bucketBounds {
            let value = try XCTUnwrap(
                samples[#"\#(duration)_bucket{operation="health",method="GET",le="\#(PrometheusText.format(bound))"}"#])
            XCTAssertGreaterThanOrEqual(value, previous, "buckets are cumulative")
            previous = value
        }

        XCTAssertFalse(text.contains("987654"), "no employee numbers in labels")
        XCTAssertFalse(text.contains("/no/such"), "no raw paths in labels")
        XCTAssertFalse(text.contains("BREW"), "no arbitrary methods in labels")
    }

    func testAppenderPoolAndLagFigures() async throws {
        try await harness.makeEmployee(email: "a@example.com", scopes: [.userRead, .auditRead])  // 3 events
        let second = try await harness.makeEmployee(email: "b@example.com")  // 1 event
        for _ in 0..<2 { _ = try await harness.service.context.queries.employee(second) }
        let (_, samples) = try await scrape()
        XCTAssertEqual(samples[#"employees_db_batched_reads_total{lookup="stream"}"#], 4, "one stream load per command")
        XCTAssertEqual(samples[#"employees_db_batched_queries_total{lookup="stream"}"#], 4, "one after the other: no company")
        XCTAssertEqual(samples[#"employees_db_batched_reads_total{lookup="employee"}"#], 2)
        XCTAssertEqual(samples[#"employees_db_batched_queries_total{lookup="employee"}"#], 2)
        XCTAssertEqual(samples["employees_events_appended_total"], 4)
        XCTAssertEqual(samples["employees_append_requests_total"], 4)
        XCTAssertGreaterThanOrEqual(samples["employees_append_batches_total"] ?? 0, 1)
        XCTAssertEqual(samples[#"employees_append_batch_size{batch="last"}"#], 1)
        XCTAssertEqual(samples["employees_event_log_head_position"], 4)
        XCTAssertEqual(samples[#"employees_projection_lag_events{consumer="employees_projection"}"#], 0)
        XCTAssertEqual(samples["employees_database_up"], 1)
        XCTAssertEqual(samples[#"employees_db_pool_connections{state="max"}"#], 16)
        XCTAssertGreaterThanOrEqual(samples[#"employees_db_pool_connections{state="open"}"#] ?? 0, 1)
        XCTAssertNotNil(samples["employees_db_pool_waiters"])
        XCTAssertEqual(samples["employees_security_log_dropped_total"], 0)
        XCTAssertEqual(samples["employees_event_streams_open"], 0)
        let feed = harness.service.context.monitoring.principalFeed
        let caughtUp = await eventually(timeout: .seconds(5)) { feed.position == 4 }
        XCTAssertTrue(caughtUp)
        let (_, later) = try await scrape()
        XCTAssertEqual(later[#"employees_projection_lag_events{consumer="principal_feed"}"#], 0)
        XCTAssertEqual(later["employees_principal_feed_position"], 4)
    }

    func testPrometheusTextEscapesLabelValues() {
        var output = PrometheusText()
        output.family("x_total", type: "counter", help: "a\nb")
        output.sample("x_total", labels: [("operation", "a\"b\\c\nd")], 3)
        output.sample("y", 0.25)
        XCTAssertEqual(
            output.text, "# HELP x_total a\\nb\n# TYPE x_total counter\nx_total{operation=\"a\\\"b\\\\c\\nd\"} 3\ny 0.25\n")
    }
}

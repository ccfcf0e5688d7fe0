import HTTP
import Records
import Synchronization

/// Request counts by operation, method and status, and latency histograms by operation and method, for `/metrics`.
///
/// Labels are bounded by construction: the operation is the matched route's id (or `unmatched`), the method one of
/// the standard ones (or `OTHER`), the status a number. Never a raw path, query or employee number.
package final class RequestMetrics: Sendable {
    package struct CountKey: Hashable, Sendable {
        package let operation: String
        package let method: String
        package let status: Int
    }

    package struct LatencyKey: Hashable, Sendable {
        package let operation: String
        package let method: String
    }

    /// `bucketCounts[i]` counts observations in `(bucketBounds[i-1], bucketBounds[i]]`; rendering makes them
    /// cumulative, as Prometheus expects.
    package struct Histogram: Sendable, Hashable {
        package var bucketCounts = [Int](repeating: 0, count: RequestMetrics.bucketBounds.count)
        package var count = 0
        package var sum = 0.0

        package mutating func observe(_ seconds: Double) {
            count += 1
            sum += seconds
            if let index = RequestMetrics.bucketBounds.firstIndex(where: { seconds <= $0 }) { bucketCounts[index] += 1 }
        }
    }

    package struct Snapshot: Sendable {
        package let counts: [CountKey: Int]
        package let latencies: [LatencyKey: Histogram]
        package let openEventStreams: Int
    }

    /// Seconds; Prometheus' client defaults, which suit an API answering in milliseconds.
    package static let bucketBounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    package static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    private struct Series {
        var counts: [CountKey: Int] = [:]
        var latencies: [LatencyKey: Histogram] = [:]
    }

    private let series = Mutex(Series())
    private let openStreams = Atomic<Int>(0)

    package init() {}

    package func record(operation: String, method: HTTPMethod, status: Int, seconds: Double) {
        let method = Self.methods.contains(method.rawValue) ? method.rawValue : "OTHER"
        series.withLock { series in
            series.counts[CountKey(operation: operation, method: method, status: status), default: 0] += 1
            series.latencies[LatencyKey(operation: operation, method: method), default: Histogram()].observe(seconds)
        }
    }

    /// Counts a streaming response for as long as `body` runs, so a leaked follower shows up as a stuck gauge.
    package func trackingEventStream<Result: Sendable>(_ body: () async throws -> Result) async rethrows -> Result {
        openStreams.add(1, ordering: .relaxed)
        defer { openStreams.subtract(1, ordering: .relaxed) }
        return try await body()
    }

    package var snapshot: Snapshot {
        let (counts, latencies) = series.withLock { ($0.counts, $0.latencies) }
        return Snapshot(counts: counts, latencies: latencies, openEventStreams: openStreams.load(ordering: .relaxed))
    }
}

/// Times every request and counts it under its operation and final status. It sits outside authentication, so
/// 401 and 403 answers are counted too; for a streamed body the time is the time to the response head.
package struct RequestMetricsMiddleware: HTTPMiddleware {
    package typealias Route = Operations.Route

    package let metrics: RequestMetrics

    package init(metrics: RequestMetrics) {
        self.metrics = metrics
    }

    package func handle(_ request: HTTPRequest, context: HTTPRequestContext<Route>, next: HTTPNext<Route>) async throws
        -> HTTPResponse
    {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        metrics.record(
            operation: context.route?.operationID ?? "unmatched", method: request.method, status: response.status.code,
            seconds: (ContinuousClock.now - started).seconds)
        return response
    }
}

/// Writes the Prometheus text exposition format 0.0.4.
package struct PrometheusText {
    package private(set) var text = ""

    package init() {}

    /// Starts a metric family: its help line and type.
    package mutating func family(_ name: String, type: String, help: String) {
        text +=
            "# HELP \(name) \(help.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n"))\n"
        text += "# TYPE \(name) \(type)\n"
    }

    package mutating func sample(_ name: String, labels: [(String, String)] = [], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " " + Self.format(value) + "\n"
    }

    package mutating func sample(_ name: String, labels: [(String, String)] = [], _ value: some BinaryInteger) {
        sample(name, labels: labels, Double(value))
    }

    package static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    package static func format(_ value: Double) -> String {
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

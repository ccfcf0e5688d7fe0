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

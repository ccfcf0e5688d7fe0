import EventStore
import HTTP
import Operations
import Postgres
import Records
import Security

/// `GET /metrics`: what operators scrape (Prometheus text format 0.0.4). Public like `/healthz`: it holds counts and
/// positions, never personal data, paths or employee numbers.
enum MetricsRoutes {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func register(in table: inout RouteTable, context: APIContext) throws(RouterError) {
        try table.add(
            .GET, "/metrics",
            Route(operationID: "metrics", summary: "Service metrics in the Prometheus text format", access: .public) { _ in
                let text = await render(context)
                return HTTPResponse(
                    status: .ok, headers: ["Content-Type": contentType, "Cache-Control": "no-store"], body: Array(text.utf8))
            })
    }

    static func render(_ context: APIContext) async -> String {
        var output = PrometheusText()
        writeRequests(context.monitoring.requests.snapshot, to: &output)
        writeAppender(context.appender.currentStatistics, to: &output)
        writePool(context.pool.statistics, to: &output)
        StandbyMetrics.write(context.reads, to: &output)
        writeBatchedReads(
            [
                ("employee", context.queries.batchStatistics.queries, context.queries.batchStatistics.callers),
                ("stream", context.commands.streamLoadStatistics.queries, context.commands.streamLoadStatistics.callers),
            ],
            to: &output)
        let positions = try? await ProjectionPositions.read(from: context.pool)
        writeLog(positions, feedPosition: context.monitoring.principalFeed.position, to: &output)
        writePasswordWork(context.passwords.limiter.statistics, to: &output)
        output.family(
            "employees_security_log_dropped_total", type: "counter",
            help: "Security log entries dropped (queue full or database unavailable)")
        output.sample("employees_security_log_dropped_total", context.securityLog.droppedCount)
        return output.text
    }

    static func writePasswordWork(_ statistics: PasswordWorkLimiter.Statistics, to output: inout PrometheusText) {
        output.family(
            "employees_password_checks_in_flight", type: "gauge",
            help: "Password hashes and checks running now (at most one per core)")
        output.sample("employees_password_checks_in_flight", statistics.inFlight)
        output.family("employees_password_checks_queued", type: "gauge", help: "Password checks waiting for a core")
        output.sample("employees_password_checks_queued", statistics.queued)
        output.family("employees_password_checks_admitted_total", type: "counter", help: "Password checks run or queued")
        output.sample("employees_password_checks_admitted_total", statistics.admitted)
        output.family(
            "employees_password_checks_refused_total", type: "counter",
            help: "Password checks refused at once (503) because they could not start within the bound")
        output.sample("employees_password_checks_refused_total", statistics.refused)
    }

    static func writeRequests(_ snapshot: RequestMetrics.Snapshot, to output: inout PrometheusText) {
        output.family("employees_http_requests_total", type: "counter", help: "HTTP requests by operation, method and status")
        for (key, count) in snapshot.counts.sorted(by: {
            ($0.key.operation, $0.key.method, $0.key.status) < ($1.key.operation, $1.key.method, $1.key.status)
        }) {
            output.sample(
                "employees_http_requests_total",
                labels: [("operation", key.operation), ("method", key.method), ("status", String(key.status))], count)
        }
        let name = "employees_http_request_duration_seconds"
        output.family(name, type: "histogram", help: "Time to the response head, by operation and method")
        for (key, histogram) in snapshot.latencies.sorted(by: {
            ($0.key.operation, $0.key.method) < ($1.key.operation, $1.key.method)
        }) {
            let labels = [("operation", key.operation), ("method", key.method)]
            var cumulative = 0
            for (bound, count) in zip(RequestMetrics.bucketBounds, histogram.bucketCounts) {
                cumulative += count
                output.sample(name + "_bucket", labels: labels + [("le", PrometheusText.format(bound))], cumulative)
            }
            output.sample(name + "_bucket", labels: labels + [("le", "+Inf")], histogram.count)
            output.sample(name + "_sum", labels: labels, histogram.sum)
            output.sample(name + "_count", labels: labels, histogram.count)
        }
        output.family("employees_event_streams_open", type: "gauge", help: "Clients following GET /events/stream now")
        output.sample("employees_event_streams_open", snapshot.openEventStreams)
    }

    /// Reads coalesced by `PostgresBatchedLookup`: callers over queries is the mean batch size.
    static func writeBatchedReads(_ lookups: [(name: String, queries: Int, callers: Int)], to output: inout PrometheusText) {
        output.family("employees_db_batched_reads_total", type: "counter", help: "Reads answered by batched lookups, by lookup")
        for lookup in lookups {
            output.sample("employees_db_batched_reads_total", labels: [("lookup", lookup.name)], lookup.callers)
        }
        output.family("employees_db_batched_queries_total", type: "counter", help: "Queries the batched lookups ran, by lookup")
        for lookup in lookups {
            output.sample("employees_db_batched_queries_total", labels: [("lookup", lookup.name)], lookup.queries)
        }
    }

    static func writeAppender(_ statistics: AppenderStatistics, to output: inout PrometheusText) {
        let counters: [(String, String, Int)] = [
            ("employees_events_appended_total", "Events appended to the log", statistics.events),
            ("employees_append_requests_total", "Append requests committed (one per command)", statistics.requests),
            ("employees_append_batches_total", "Transactions committed by the batching appender", statistics.batches),
        ]
        for (name, help, value) in counters {
            output.family(name, type: "counter", help: help)
            output.sample(name, value)
        }
        output.family(
            "employees_append_batch_size", type: "gauge",
            help: "Requests per committed batch: the last one and the largest so far")
        output.sample("employees_append_batch_size", labels: [("batch", "last")], statistics.lastBatchSize)
        output.sample("employees_append_batch_size", labels: [("batch", "largest")], statistics.largestBatchSize)
    }

    static func writePool(_ statistics: PostgresPool.Statistics, to output: inout PrometheusText) {
        output.family("employees_db_pool_connections", type: "gauge", help: "Database pool connections by state")
        output.sample("employees_db_pool_connections", labels: [("state", "max")], statistics.maximumConnections)
        output.sample("employees_db_pool_connections", labels: [("state", "open")], statistics.openConnections)
        output.sample("employees_db_pool_connections", labels: [("state", "in_use")], statistics.inUse)
        output.family("employees_db_pool_waiters", type: "gauge", help: "Callers waiting for a database connection")
        output.sample("employees_db_pool_waiters", statistics.waiters)
    }

    static func writeLog(_ positions: ProjectionPositions?, feedPosition: Int64, to output: inout PrometheusText) {
        output.family("employees_database_up", type: "gauge", help: "1 when the database answered this scrape")
        output.sample("employees_database_up", positions == nil ? 0 : 1)
        output.family(
            "employees_principal_feed_position", type: "gauge", help: "Last log position applied to the in-memory principal table"
        )
        output.sample("employees_principal_feed_position", feedPosition)
        guard let positions else { return }
        output.family("employees_event_log_head_position", type: "gauge", help: "Position of the last event in the log")
        output.sample("employees_event_log_head_position", positions.head)
        output.family("employees_projection_lag_events", type: "gauge", help: "Log head position minus the consumer's position")
        output.sample(
            "employees_projection_lag_events", labels: [("consumer", "employees_projection")],
            positions.head - positions.projectionCheckpoint)
        output.sample(
            "employees_projection_lag_events", labels: [("consumer", "principal_feed")], max(0, positions.head - feedPosition))
    }
}

import HTTP
import Records
import Synchronization

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

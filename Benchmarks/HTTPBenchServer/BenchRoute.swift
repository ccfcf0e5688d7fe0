import HTTP

/// The one route of the bench server: it carries nothing, `GET /healthz` answers `ok`.
struct BenchRoute: Sendable {}

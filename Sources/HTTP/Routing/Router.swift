/// An immutable route table (a trie over path segments). 404 for an unknown path, 405 with `Allow` for a known path
/// and another method (HEAD is served by a GET route), 400 when a typed parameter does not parse.
public struct Router<Route: Sendable>: Sendable {
    public struct Entry: Sendable {
        public let method: HTTPMethod
        public let pattern: String
        public let route: Route
    }

    public struct Match: Sendable {
        public let route: Route
        public let pattern: String
        public let parameters: HTTPPathParameters
    }

    /// Every registered (method, pattern, route), in registration order: the app derives its authorization matrix
    /// and its OpenAPI check from this list.
    public let entries: [Entry]
    private let nodes: [RouterNode]

    init(entries: [Entry], nodes: [RouterNode]) {
        self.entries = entries
        self.nodes = nodes
    }

    /// Matches a raw (still percent-encoded) path such as `HTTPRequest.rawPath`.
    public func match(_ method: HTTPMethod, path rawPath: String) throws(HTTPError) -> Match {
        guard rawPath.utf8.first == UInt8(ascii: "/") else { throw HTTPError(.notFound) }
        var segments: [String] = []
        for raw in rawPath.utf8.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            if raw.contains(UInt8(ascii: "%")) {
                guard let decoded = PercentDecoding.decode(raw, plusIsSpace: false) else {
                    throw HTTPError(.badRequest, detail: "The path is not correctly percent-encoded UTF-8.")
                }
                segments.append(decoded)
            } else {
                segments.append(String(Substring(raw)))
            }
        }
        var parameters: [(name: String, value: HTTPPathParameters.Value)] = []
        var invalidParameter: RouterNode.ParameterEdge?
        guard let node = walk(0, segments[...], &parameters, &invalidParameter) else {
            if let invalidParameter {
                let message = "must be \(invalidParameter.kind == .int ? "an integer" : "a string")"
                throw HTTPError(
                    .badRequest, detail: "Path parameter \(invalidParameter.name) \(message).",
                    fieldErrors: [HTTPFieldError(field: invalidParameter.name, message: message)])
            }
            throw HTTPError(.notFound)
        }
        let endpoints = nodes[node].endpoints
        guard let index = endpoints[method] ?? (method == .HEAD ? endpoints[.GET] : nil) else {
            var allowed = Set(endpoints.keys)
            if allowed.contains(.GET) { allowed.insert(.HEAD) }
            let allow = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            throw HTTPError(.methodNotAllowed, headers: ["Allow": allow])
        }
        let entry = entries[index]
        return Match(route: entry.route, pattern: entry.pattern, parameters: HTTPPathParameters(parameters))
    }

    /// Depth-first: the literal child first, then the parameter; a node counts only if some method ends there.
    private func walk(
        _ node: Int, _ segments: ArraySlice<String>,
        _ parameters: inout [(name: String, value: HTTPPathParameters.Value)],
        _ invalidParameter: inout RouterNode.ParameterEdge?
    ) -> Int? {
        guard let segment = segments.first else {
            return nodes[node].endpoints.isEmpty ? nil : node
        }
        let rest = segments.dropFirst()
        if let child = nodes[node].literals[segment], let found = walk(child, rest, &parameters, &invalidParameter) {
            return found
        }
        guard let edge = nodes[node].parameter, !segment.isEmpty else { return nil }
        let value: HTTPPathParameters.Value
        switch edge.kind {
        case .string:
            value = .string(segment)
        case .int:
            guard let number = RouterPattern.parseInt(segment) else {
                if walkReaches(edge.child, rest) { invalidParameter = invalidParameter ?? edge }
                return nil
            }
            value = .int(number)
        }
        parameters.append((name: edge.name, value: value))
        if let found = walk(edge.child, rest, &parameters, &invalidParameter) { return found }
        parameters.removeLast()
        return nil
    }

    /// Whether the rest of the path would reach a route if every parameter accepted its segment: only then is a bad
    /// typed parameter the client's mistake (400) rather than an unknown path (404).
    private func walkReaches(_ node: Int, _ segments: ArraySlice<String>) -> Bool {
        guard let segment = segments.first else { return !nodes[node].endpoints.isEmpty }
        let rest = segments.dropFirst()
        if let child = nodes[node].literals[segment], walkReaches(child, rest) { return true }
        if let edge = nodes[node].parameter, !segment.isEmpty { return walkReaches(edge.child, rest) }
        return false
    }
}

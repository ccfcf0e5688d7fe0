/// A mistake in a route table, found at start-up.
public struct RouterError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// Collects routes at start-up; `build()` freezes them into a `Router` that every connection shares.
///
/// A pattern is `/`-separated segments, each a literal or a parameter `{name}`, `{name:string}` or `{name:int}`.
/// A literal wins over a parameter at the same position (`/employees/me` before `/employees/{emp_no:int}`).
public struct RouterBuilder<Route: Sendable> {
    private var entries: [Router<Route>.Entry] = []
    private var nodes: [RouterNode] = [RouterNode()]

    public init() {}

    public mutating func add(_ method: HTTPMethod, _ pattern: String, _ route: Route) throws(RouterError) {
        let segments = try RouterPattern.parse(pattern)
        var node = 0
        for segment in segments {
            switch segment {
            case .literal(let text):
                if let child = nodes[node].literals[text] {
                    node = child
                } else {
                    nodes.append(RouterNode())
                    nodes[node].literals[text] = nodes.count - 1
                    node = nodes.count - 1
                }
            case .parameter(let name, let kind):
                if let edge = nodes[node].parameter {
                    guard edge.name == name && edge.kind == kind else {
                        throw RouterError(
                            description:
                                "\(pattern): parameter {\(name):\(kind)} conflicts with {\(edge.name):\(edge.kind)}")
                    }
                    node = edge.child
                } else {
                    nodes.append(RouterNode())
                    nodes[node].parameter = RouterNode.ParameterEdge(name: name, kind: kind, child: nodes.count - 1)
                    node = nodes.count - 1
                }
            }
        }
        guard nodes[node].endpoints[method] == nil else {
            throw RouterError(description: "\(method) \(pattern) is registered twice")
        }
        nodes[node].endpoints[method] = entries.count
        entries.append(Router<Route>.Entry(method: method, pattern: pattern, route: route))
    }

    public func build() -> Router<Route> {
        Router(entries: entries, nodes: nodes)
    }
}

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

struct RouterNode: Sendable {
    struct ParameterEdge: Sendable {
        let name: String
        let kind: RouterPattern.Kind
        let child: Int
    }

    var literals: [String: Int] = [:]
    var parameter: ParameterEdge?
    var endpoints: [HTTPMethod: Int] = [:]
}

enum RouterPattern {
    enum Kind: String, Sendable, CustomStringConvertible {
        case int, string
        var description: String { rawValue }
    }

    enum Segment {
        case literal(String)
        case parameter(name: String, kind: Kind)
    }

    static func parse(_ pattern: String) throws(RouterError) -> [Segment] {
        guard pattern.first == "/" else { throw RouterError(description: "\(pattern): a pattern starts with /") }
        var names = Set<String>()
        var segments: [Segment] = []
        for raw in pattern.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            if raw.first == "{" {
                guard raw.last == "}", raw.count > 2 else {
                    throw RouterError(description: "\(pattern): a parameter is written {name} or {name:type}")
                }
                let inside = raw.dropFirst().dropLast()
                let parts = inside.split(separator: ":", omittingEmptySubsequences: false)
                let name = String(parts[0])
                guard parts.count <= 2, isIdentifier(name) else {
                    throw RouterError(description: "\(pattern): invalid parameter {\(inside)}")
                }
                guard let kind = parts.count == 2 ? Kind(rawValue: String(parts[1])) : .string else {
                    throw RouterError(description: "\(pattern): parameter type must be int or string")
                }
                guard names.insert(name).inserted else {
                    throw RouterError(description: "\(pattern): parameter \(name) appears twice")
                }
                segments.append(.parameter(name: name, kind: kind))
            } else {
                guard raw.utf8.allSatisfy(isLiteralByte) else {
                    throw RouterError(description: "\(pattern): literal segment \(raw) has a reserved character")
                }
                segments.append(.literal(String(raw)))
            }
        }
        return segments
    }

    /// An optional minus sign and 1 to 18 digits, so the value always fits an `Int`.
    static func parseInt(_ text: String) -> Int? {
        let digits = text.utf8.first == UInt8(ascii: "-") ? text.utf8.dropFirst() : text.utf8[...]
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    private static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || !(0x30...0x39).contains(first) else {
            return false
        }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isAlphanumeric($0) }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// pchar without percent-encoding: unreserved, sub-delims, ":" and "@" (RFC 3986 §3.3), minus the braces.
    private static func isLiteralByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || Array("-._~!$&'()*+,;=:@".utf8).contains(byte)
    }
}

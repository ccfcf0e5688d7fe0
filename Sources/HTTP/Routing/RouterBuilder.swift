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

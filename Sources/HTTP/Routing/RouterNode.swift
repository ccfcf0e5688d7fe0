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

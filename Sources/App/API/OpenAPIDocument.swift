import Employees
import EventStore
import HTTP
import OpenAPI
import Operations
import Security

/// Builds the OpenAPI 3.1 document from the route table, so the document cannot list an operation the router does
/// not serve, or miss one it does: paths, methods, operation ids, summaries and security come from the registered
/// routes; request and response schemas from `OpenAPISchemas`, keyed by method and path. A route without an entry
/// there is still documented (parameters, security, an undescribed response), so routes added later appear at once.
enum OpenAPIDocument {
    typealias JSON = OpenAPIValue

    static let securitySchemeName = "oauth2"
    /// The same password flow at the original system's login path, so clients (and Schemathesis) know that path
    /// issues credentials too; no operation requires it.
    static let originalLoginSchemeName = "oauth2OriginalLogin"

    /// The document for `today` (UTC): the date fields' bounds move with it, as the API's do. With `httpsAuthority`
    /// (the service serves TLS itself) the document names an `https` server whose host a client can change (the listen
    /// address is rarely the name clients use); without it, no server entry: the document's own origin applies.
    static func build(_ routes: [RegisteredRoute], today: CalendarDate, httpsAuthority: String? = nil) -> JSON {
        let documented = OpenAPISchemas.operations(today: today)
        var paths: [String: JSON] = [:]
        for route in routes {
            let path = openAPIPath(route.pattern)
            var item = paths[path].flatMap(\.objectMembers) ?? [:]
            item[route.method.rawValue.lowercased()] = operation(
                route, documented: documented["\(route.method.rawValue) \(path)"])
            paths[path] = .object(item)
        }
        var document: [String: JSON] = [
            "openapi": "3.1.0",
            "info": .object([
                "title": "Employee records API",
                "version": "1.0.0",
                "description": """
                An event-sourced employee records service: every change is an event in a hash-chained, append-only \
                log; reads come from projections; auditors read the log itself. When the service reads from \
                standbys, every 2xx answer to a command carries a `Consistency-Token` header: send it back on a \
                read, to any instance, to be sure to see that command's effect.
                """,
            ]),
            "paths": .object(paths),
            "components": .object([
                "securitySchemes": .object([
                    securitySchemeName: securityScheme(tokenURL: "/auth/token"),
                    originalLoginSchemeName: securityScheme(tokenURL: "/api/login"),
                ]),
                "schemas": .object(OpenAPISchemas.components(today: today)),
            ]),
        ]
        if let httpsAuthority {
            document["servers"] = .array([
                .object([
                    "url": .string("https://{authority}"),
                    "variables": .object(["authority": .object(["default": .string(httpsAuthority)])]),
                ])
            ])
        }
        return .object(document)
    }

    /// `/employees/{emp_no:int}` → `/employees/{emp_no}`.
    static func openAPIPath(_ pattern: String) -> String {
        pattern.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            guard segment.hasPrefix("{"), let colon = segment.firstIndex(of: ":") else { return String(segment) }
            return String(segment[..<colon]) + "}"
        }.joined(separator: "/")
    }

    /// The `{name:type}` segments of a pattern, as OpenAPI path parameters.
    static func pathParameters(_ pattern: String) -> [JSON] {
        pattern.split(separator: "/").compactMap { segment -> JSON? in
            guard segment.hasPrefix("{"), segment.hasSuffix("}") else { return nil }
            let inner = segment.dropFirst().dropLast()
            let parts = inner.split(separator: ":", maxSplits: 1)
            let name = String(parts[0])
            let isInteger = parts.count == 2 && parts[1] == "int"
            let schema: JSON =
                name == "emp_no"
                ? OpenAPISchemas.employeeNumber
                : OpenAPISchemas.pathParameterSchemas[name] ?? (isInteger ? ["type": "integer"] : ["type": "string"])
            return ["name": .string(name), "in": "path", "required": true, "schema": schema]
        }
    }

    /// Methods whose requests the idempotency middleware handles when a principal sends `Idempotency-Key`.
    static let unsafeMethods: Set<HTTPMethod> = [.POST, .PUT, .PATCH, .DELETE]

    static func operation(_ registered: RegisteredRoute, documented: OpenAPISchemas.Operation?) -> JSON {
        let route = registered.route
        let isPublic = if case .public = route.access { true } else { false }
        let idempotent = !isPublic && unsafeMethods.contains(registered.method)
        var parameters = pathParameters(registered.pattern) + (documented?.parameters ?? [])
        if idempotent { parameters.append(OpenAPISchemas.idempotencyKey) }
        var members: [String: JSON] = [
            "operationId": .string(route.operationID),
            "summary": .string(route.summary),
            "security": .array(securityRequirements(route.access)),
        ]
        if !parameters.isEmpty { members["parameters"] = .array(parameters) }
        if let body = documented?.requestBody { members["requestBody"] = body }

        var responses: [String: JSON] = [:]
        if let documented {
            for (status, response) in documented.responses { responses[status] = response }
        } else {
            responses["default"] = .object(["description": "Not described in this document yet"])
        }
        let compatibility = CompatibilityRoutes.serves(rawPath: registered.pattern)
        let problem = compatibility ? OpenAPISchemas.envelopeErrorResponse : OpenAPISchemas.problemResponse
        if !parameters.isEmpty || documented?.requestBody != nil {
            responses["400"] =
                responses["400"] ?? (compatibility ? OpenAPISchemas.envelopeOrProblem : problem("The request is malformed"))
        }
        if documented?.requestBody != nil {
            responses["413"] = responses["413"] ?? problem("The body is too large")
            responses["415"] = responses["415"] ?? problem("The body is not of the documented media type")
        }
        if idempotent {
            responses["303"] =
                responses["303"] ?? [
                    "description":
                        "A retry with the Idempotency-Key of a request whose events committed but whose answer was lost: see Location",
                    "headers": [
                        "Location": ["description": "The resource the first request changed", "schema": ["type": "string"]]
                    ],
                ]
            responses["409"] =
                responses["409"] ?? problem("The request with this Idempotency-Key is still running; retry after Retry-After")
            responses["422"] = responses["422"] ?? problem("This Idempotency-Key was used for a different request")
        }
        if !isPublic {
            responses["401"] = problem("Missing, invalid, expired or revoked access token")
            responses["403"] = problem("The token lacks the required scopes")
        }
        if registered.pattern.contains("{emp_no") { responses["404"] = responses["404"] ?? problem("No such employee") }
        responses["503"] = responses["503"] ?? problem("The database is unavailable; retry after the Retry-After delay")
        members["responses"] = .object(responses)
        return .object(members)
    }

    /// One requirement object per alternative: all scopes of one object are needed, any one object suffices.
    static func securityRequirements(_ access: Access) -> [JSON] {
        func requirement(_ scopes: ScopeSet) -> JSON {
            .object([securitySchemeName: .array(scopes.scopes.map { .string($0.rawValue) })])
        }
        switch access {
        case .public: return []
        case .authenticated: return [requirement(.empty)]
        case .scopes(let scopes), .ownRecordOnly(let scopes): return [requirement(scopes)]
        case .ownRecordOr(let own, let any): return [requirement(own), requirement(any)]
        }
    }

    static func securityScheme(tokenURL: String) -> JSON {
        var scopes: [String: JSON] = [:]
        for scope in Scope.allCases { scopes[scope.rawValue] = .string(description(of: scope)) }
        return .object([
            "type": "oauth2",
            "description": "Access tokens (RFC 9068 JWTs) from the password grant; send them as `Authorization: Bearer`.",
            "flows": .object([
                "password": .object(["tokenUrl": .string(tokenURL), "refreshUrl": .string(tokenURL), "scopes": .object(scopes)])
            ]),
        ])
    }

    static func description(of scope: Scope) -> String {
        switch scope {
        case .userRead: "Read your own record"
        case .userWrite: "Change your own record and password (implies user:read)"
        case .adminRead: "Read and search every employee's record (implies user:read)"
        case .adminWrite: "Create and change every record, disable and enable employees (implies user:write and admin:read)"
        case .auditRead: "Read the event log, employee histories and the security log"
        case .scopeGrant: "Grant and revoke scopes"
        case .superAll: "Everything (implies every other scope)"
        }
    }
}

/// Request and response schemas of the documented operations, keyed by `"METHOD /path"` (OpenAPI path spelling).
/// Paths and security are not here: `OpenAPIDocument` takes them from the route table.
enum OpenAPISchemas {
    typealias JSON = OpenAPIValue

    /// What the document says about one operation beyond its route: parameters other than the path's, the body, and
    /// the responses (the builder adds 400/401/403/404/503 where they apply).
    struct Operation {
        var parameters: [JSON] = []
        var requestBody: JSON?
        var responses: [String: JSON]
    }

    static let employeeNumber: JSON = ["type": "integer", "minimum": 1, "maximum": 2_147_483_647]

    static func ref(_ name: String) -> JSON { ["$ref": .string("#/components/schemas/\(name)")] }

    static func nullable(_ type: String) -> JSON { ["type": [.string(type), "null"]] }

    static func problemResponse(_ description: String) -> JSON {
        ["description": .string(description), "content": ["application/problem+json": ["schema": ref("Problem")]]]
    }

    /// Errors of the original system's routes come in its envelope, as `application/json`.
    static func envelopeErrorResponse(_ description: String) -> JSON {
        ["description": .string(description), "content": ["application/json": ["schema": ref("CompatibilityEnvelope")]]]
    }

    static func json(_ description: String, _ schema: JSON, mediaType: String = "application/json", headers: [String: JSON] = [:]) -> JSON {
        var response: [String: JSON] = ["description": .string(description), "content": [mediaType: ["schema": schema]]]
        if !headers.isEmpty {
            response["headers"] = .object(headers.mapValues { ["description": $0, "schema": ["type": "string"]] })
        }
        return .object(response)
    }

    static func query(_ name: String, _ schema: JSON, _ description: String) -> JSON {
        ["name": .string(name), "in": "query", "required": false, "schema": schema, "description": .string(description)]
    }

    static func object(_ properties: [String: JSON], required: [String], additionalProperties: Bool = false) -> JSON {
        [
            "type": "object", "properties": .object(properties), "required": .array(required.map(JSON.string)),
            "additionalProperties": .bool(additionalProperties),
        ]
    }

    static func text(maximumLength: Int64? = nil, format: String? = nil, description: String? = nil) -> JSON {
        var schema: [String: JSON] = ["type": "string"]
        if let maximumLength { schema["maxLength"] = .integer(maximumLength) }
        if let format { schema["format"] = .string(format) }
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }

    static func integer(minimum: Int64? = nil, maximum: Int64? = nil) -> JSON {
        var schema: [String: JSON] = ["type": "integer"]
        if let minimum { schema["minimum"] = .integer(minimum) }
        if let maximum { schema["maximum"] = .integer(maximum) }
        return .object(schema)
    }

    static func jsonBody(_ schema: JSON) -> JSON {
        ["required": true, "content": ["application/json": ["schema": schema]]]
    }

    static let pageAfter = query("after", integer(minimum: 0), "Return entries after this cursor (0: from the start)")
    static let pageLimit = query("limit", integer(minimum: 1, maximum: 1_000), "Entries per page (default 100)")

    static let operations: [String: Operation] = [
        "GET /healthz": Operation(responses: ["200": json("The process answers", text(), mediaType: "text/plain")]),
        "GET /readyz": Operation(responses: [
            "200": json("Ready", ref("Readiness")), "503": json("Not ready (see the members)", ref("Readiness")),
        ]),
        "GET /.well-known/jwks.json": Operation(responses: [
            "200": json("The public keys that verify access tokens", ref("JWKS"), mediaType: "application/jwk-set+json")
        ]),
        "GET /metrics": Operation(responses: [
            "200": json("Prometheus text format 0.0.4", text(), mediaType: "text/plain")
        ]),
        "GET /openapi.json": Operation(responses: ["200": json("This document", ["type": "object"])]),
        "POST /employees": Operation(
            requestBody: jsonBody(ref("EmployeeCreate")),
            responses: [
                "201": json(
                    "Created", ref("EmployeeRecord"),
                    headers: ["Location": "The new record's path", "ETag": "The record's version, for If-Match"]),
                "409": problemResponse("The employee or the email exists already"),
                "413": problemResponse("The body is too large"),
                "415": problemResponse("The body is not application/json"),
                "422": problemResponse("Fields are missing, unknown or invalid (`errors` names each)"),
            ]),
        "GET /employees": Operation(
            parameters: [
                query("last_name", ["type": "string", "minLength": 1, "maxLength": 16], "Part of the last name, or a LIKE pattern with %"),
                query("first_name", ["type": "string", "minLength": 1, "maxLength": 14], "Part of the first name, or a LIKE pattern with %"),
                query("limit", integer(minimum: 1, maximum: 500), "Records per page (default 50)"),
                query("after", integer(minimum: 0, maximum: 2_147_483_647), "Return records with a greater emp_no"),
            ],
            responses: ["200": json("A page of matching records", ref("EmployeePage"))]),
        "GET /employees/{emp_no}": Operation(
            parameters: [query("as_of", text(description: "ISO 8601 instant or date"), "Read the record as it stood then")],
            responses: ["200": json("The record", ref("EmployeeRecord"), headers: ["ETag": "The record's version"])]),
        "PATCH /employees/{emp_no}": Operation(
            parameters: [
                [
                    "name": "If-Match", "in": "header", "required": false, "schema": ["type": "string"],
                    "description": "The ETag read before; the change is refused (412) if the record moved on",
                ]
            ],
            requestBody: jsonBody(ref("EmployeePatch")),
            responses: [
                "200": json("The changed record", ref("EmployeeRecord"), headers: ["ETag": "The record's new version"]),
                "409": problemResponse("Changed concurrently; retry"),
                "412": problemResponse("If-Match named an old version"),
                "413": problemResponse("The body is too large"),
                "415": problemResponse("The body is not application/json"),
                "422": problemResponse("Fields are unknown or invalid (`errors` names each)"),
            ]),
        "GET /me": Operation(responses: ["200": json("The caller's record and scopes", ref("Me"))]),
        "GET /employees/{emp_no}/history": Operation(responses: [
            "200": json("The stream's events, oldest first", ref("EmployeeHistory"))
        ]),
        "GET /events": Operation(
            parameters: [pageAfter, pageLimit],
            responses: ["200": json("A page of the log and the chain head", ref("EventLogPage"))]),
        "GET /events/stream": Operation(
            parameters: [query("after", integer(minimum: 0), "Start after this position (0: the whole log)")],
            responses: [
                "200": json(
                    "One LoggedEvent JSON object per line: the backlog, then each event as it commits; never ends by itself",
                    text(), mediaType: "application/x-ndjson")
            ]),
        "GET /audit/security-log": Operation(
            parameters: [pageAfter, pageLimit],
            responses: ["200": json("A page of the security log", ref("SecurityLogPage"))]),
        "POST /auth/token": Operation(
            requestBody: [
                "required": true,
                "content": ["application/x-www-form-urlencoded": ["schema": ref("TokenRequest")]],
            ],
            responses: [
                "200": json("Tokens issued", ref("TokenResponse")),
                "400": ["description": "The grant is malformed or invalid (RFC 6749 §5.2)"],
            ]),
    ]

    static let personalProperties: [String: JSON] = [
        "first_name": ["type": "string", "minLength": 1, "maxLength": 14],
        "last_name": ["type": "string", "minLength": 1, "maxLength": 16],
        "birth_date": text(format: "date", description: "1900-01-01 to today (the original system's d/m/yyyy is accepted too)"),
        "gender": ["type": "string", "enum": ["M", "F"]],
        "hire_date": text(format: "date", description: "After the birth date, at most a year ahead (d/m/yyyy is accepted too)"),
    ]

    static let components: [String: JSON] = [
        "EmployeeRecord": object(
            [
                "emp_no": employeeNumber, "first_name": text(maximumLength: 14), "last_name": text(maximumLength: 16),
                "birth_date": text(format: "date"), "gender": ["type": "string", "enum": ["M", "F"]],
                "hire_date": text(format: "date"), "email": text(maximumLength: 255), "disabled": ["type": "boolean"],
                "version": integer(minimum: 1), "created_at": text(format: "date-time"), "updated_at": text(format: "date-time"),
            ],
            required: [
                "emp_no", "first_name", "last_name", "birth_date", "gender", "hire_date", "email", "disabled", "version",
                "created_at", "updated_at",
            ]),
        "EmployeeCreate": object(
            personalProperties.merging([
                "email": text(maximumLength: 255, format: "email"),
                "password": text(description: "Optional; 15 to 256 characters, not a common password"),
            ]) { first, _ in first },
            required: ["first_name", "last_name", "birth_date", "gender", "hire_date", "email"]),
        "EmployeePatch": object(
            personalProperties.merging([
                "email": ["description": "Ignored: the email is not changed here"],
                "password": ["description": "Ignored: passwords are changed elsewhere"],
                "emp_no": ["description": "Ignored: the path names the employee"],
            ]) { first, _ in first },
            required: []),
        "EmployeePage": object(
            ["items": ["type": "array", "items": ref("EmployeeRecord")], "next_after": nullable("integer")],
            required: ["items", "next_after"]),
        "Me": object(
            [
                "employee": ref("EmployeeRecord"), "scopes": ["type": "array", "items": ["type": "string"]],
                "token_scopes": text(description: "The presented token's effective scopes, space-delimited"),
            ],
            required: ["employee", "scopes", "token_scopes"]),
        "Problem": object(
            [
                "type": text(), "title": text(), "status": integer(minimum: 100, maximum: 599), "detail": text(),
                "errors": ["type": "array", "items": ref("FieldError")],
            ],
            required: ["type", "title", "status"], additionalProperties: true),
        "FieldError": object(["field": text(), "message": text()], required: ["field", "message"]),
        "CompatibilityEnvelope": object(
            [
                "status": object(["code": integer(minimum: 100, maximum: 599), "text": text()], required: ["code", "text"]),
                "data": [:],
            ],
            required: ["status"]),
        "Readiness": object(
            [
                "database": ["type": "boolean"], "projections_caught_up": ["type": "boolean"],
                "log_position": nullable("integer"), "projection_position": nullable("integer"),
            ],
            required: ["database", "projections_caught_up"]),
        "JWKS": object(["keys": ["type": "array", "items": ["type": "object"]]], required: ["keys"]),
        "TokenRequest": object(
            [
                "grant_type": ["type": "string", "enum": ["password", "refresh_token"]],
                "username": text(description: "The employee's email address"), "password": text(),
                "refresh_token": text(), "scope": text(description: "Space-delimited scopes to ask for"),
                "client_id": text(),
            ],
            required: ["grant_type"], additionalProperties: true),
        "TokenResponse": object(
            [
                "access_token": text(), "token_type": ["type": "string", "enum": ["Bearer", "bearer"]],
                "expires_in": integer(minimum: 1), "refresh_token": text(), "scope": text(),
            ],
            required: ["access_token", "token_type", "expires_in"], additionalProperties: true),
        "LoggedEvent": object(
            [
                "position": integer(minimum: 1), "stream_id": text(), "version": integer(minimum: 1),
                "event_id": text(format: "uuid"), "type": text(), "schema_version": integer(minimum: 1),
                "data": ["type": "object"], "recorded_at": text(format: "date-time"),
                "principal": nullable("string"), "scopes": ["type": "array", "items": ["type": "string"]],
                "request_id": nullable("string"), "hash": ["type": "string", "pattern": "^[0-9a-f]{64}$"],
            ],
            required: [
                "position", "stream_id", "version", "event_id", "type", "schema_version", "data", "recorded_at", "principal",
                "scopes", "request_id", "hash",
            ]),
        "EmployeeHistory": object(
            ["emp_no": employeeNumber, "events": ["type": "array", "items": ref("LoggedEvent")]], required: ["emp_no", "events"]),
        "ChainHead": object(
            ["position": integer(minimum: 0), "hash": ["type": "string", "pattern": "^[0-9a-f]{64}$"]],
            required: ["position", "hash"]),
        "EventLogPage": object(
            ["events": ["type": "array", "items": ref("LoggedEvent")], "next_after": nullable("integer"), "head": ref("ChainHead")],
            required: ["events", "next_after", "head"]),
        "SecurityLogEntry": object(
            [
                "id": integer(minimum: 1), "recorded_at": text(format: "date-time"), "kind": text(),
                "principal": nullable("string"), "attempted_username": nullable("string"),
                "client_address": nullable("string"), "reason": text(), "request_id": nullable("string"),
            ],
            required: ["id", "recorded_at", "kind", "principal", "attempted_username", "client_address", "reason", "request_id"]),
        "SecurityLogPage": object(
            ["entries": ["type": "array", "items": ref("SecurityLogEntry")], "next_after": integer(minimum: 0)],
            required: ["entries", "next_after"]),
    ]
}

import Employees
import Foundation
import Security

/// Request and response schemas of the documented operations, keyed by `"METHOD /path"` (OpenAPI path spelling).
/// Paths and security are not here: `OpenAPIDocument` takes them from the route table.
public enum OpenAPISchemas {
    public typealias JSON = OpenAPIValue

    /// What the document says about one operation beyond its route: parameters other than the path's, the body, and
    /// the responses (the builder adds 400/401/403/404/503 where they apply).
    public struct Operation {
        public var parameters: [JSON] = []
        public var requestBody: JSON?
        public var responses: [String: JSON]
    }

    public static let employeeNumber: JSON = ["type": "integer", "minimum": 1, "maximum": 2_147_483_647]

    public static func ref(_ name: String) -> JSON { ["$ref": .string("#/components/schemas/\(name)")] }

    public static func nullable(_ type: String) -> JSON { ["type": [.string(type), "null"]] }

    public static func problemResponse(_ description: String) -> JSON {
        ["description": .string(description), "content": ["application/problem+json": ["schema": ref("Problem")]]]
    }

    /// Errors of the original system's routes come in its envelope, as `application/json`.
    public static func envelopeErrorResponse(_ description: String) -> JSON {
        ["description": .string(description), "content": ["application/json": ["schema": ref("CompatibilityEnvelope")]]]
    }

    public static func json(
        _ description: String, _ schema: JSON, mediaType: String = "application/json", headers: [String: JSON] = [:]
    ) -> JSON {
        var response: [String: JSON] = ["description": .string(description), "content": [mediaType: ["schema": schema]]]
        if !headers.isEmpty {
            response["headers"] = .object(headers.mapValues { ["description": $0, "schema": ["type": "string"]] })
        }
        return .object(response)
    }

    public static func query(_ name: String, _ schema: JSON, _ description: String) -> JSON {
        ["name": .string(name), "in": "query", "required": false, "schema": schema, "description": .string(description)]
    }

    public static func object(_ properties: [String: JSON], required: [String], additionalProperties: Bool = false) -> JSON {
        [
            "type": "object", "properties": .object(properties), "required": .array(required.map(JSON.string)),
            "additionalProperties": .bool(additionalProperties),
        ]
    }

    /// A form's fields: the named ones, and any others (ignored), each given once as one string. No name or value
    /// may hold a NUL (`URLEncodedForm` refuses the whole form).
    public static func form(_ properties: [String: JSON], required: [String]) -> JSON {
        [
            "type": "object", "properties": .object(properties.mapValues(withoutNUL)),
            "required": .array(required.map(JSON.string)), "additionalProperties": formText,
            "propertyNames": ["pattern": noNUL],
        ]
    }

    public static let noNUL: JSON = #"^[^\u0000]*$"#
    public static let formText: JSON = ["type": "string", "pattern": noNUL]

    /// `schema` for a form field: a plain string gets the NUL-free pattern unless it has its own pattern or values.
    public static func withoutNUL(_ schema: JSON) -> JSON {
        guard var members = schema.objectMembers, members["pattern"] == nil, members["enum"] == nil else { return schema }
        members["pattern"] = noNUL
        return .object(members)
    }

    public static func text(maximumLength: Int64? = nil, format: String? = nil, description: String? = nil) -> JSON {
        var schema: [String: JSON] = ["type": "string"]
        if let maximumLength { schema["maxLength"] = .integer(maximumLength) }
        if let format { schema["format"] = .string(format) }
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }

    public static func integer(minimum: Int64? = nil, maximum: Int64? = nil) -> JSON {
        var schema: [String: JSON] = ["type": "integer"]
        if let minimum { schema["minimum"] = .integer(minimum) }
        if let maximum { schema["maximum"] = .integer(maximum) }
        return .object(schema)
    }

    public static func jsonBody(_ schema: JSON) -> JSON {
        ["required": true, "content": ["application/json": ["schema": schema]]]
    }

    public static let pageAfter = query(
        "after", integer(minimum: 0, maximum: Int64.max), "Return entries after this cursor (0: from the start)")
    public static let pageLimit = query("limit", integer(minimum: 1, maximum: 1_000), "Entries per page (default 100)")

    /// `application/x-www-form-urlencoded` bodies: the OAuth2 endpoints and the original system's form routes.
    public static func formBody(_ schema: JSON) -> JSON {
        ["required": true, "content": ["application/x-www-form-urlencoded": ["schema": schema]]]
    }

    public static func header(_ name: String, _ schema: JSON, _ description: String) -> JSON {
        ["name": .string(name), "in": "header", "required": false, "schema": schema, "description": .string(description)]
    }

    /// Makes a retried unsafe request safe (`IdempotencyMiddleware`): the same key and request answer the first response.
    public static let idempotencyKey = header(
        "Idempotency-Key", ["type": "string", "pattern": "^[!-~]{1,255}$"],
        "1 to 255 visible ASCII characters naming this request, so a retry of it changes nothing twice")

    /// Statuses every form route of the original system may answer besides its success, in its envelope.
    public static let formErrors: [String: JSON] = [
        "413": envelopeErrorResponse("The body is too large"),
        "415": envelopeErrorResponse("The body is not application/x-www-form-urlencoded"),
        "422": envelopeErrorResponse("Fields are missing or invalid (`data.errors` names each)"),
    ]

    /// The operations' parameters, bodies and responses. Date bounds depend on `today` (UTC), as the API's do.
    public static func operations(today: CalendarDate) -> [String: Operation] {
        let dates = DateBounds(today: today)
        let tokenErrors: [String: JSON] = [
            "400": json(
                "The request or grant is malformed or invalid, its body not a form included (RFC 6749 §5.2)",
                ref("OAuthError"), mediaType: "application/problem+json"),
            "413": problemResponse("The body is too large"),
            "429": json(
                "Too many failed logins for this account from this address (`slow_down`)", ref("OAuthError"),
                mediaType: "application/problem+json", headers: ["Retry-After": "Seconds to wait"]),
        ]
        return [
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
                requestBody: jsonBody(employeeCreate(dates)),
                responses: [
                    "201": json(
                        "Created", ref("EmployeeRecord"),
                        headers: ["Location": "The new record's path", "ETag": "The record's version, for If-Match"]),
                    "409": problemResponse("The employee or the email exists already"),
                    "422": problemResponse(
                        "Fields are missing, unknown or invalid (`errors` names each), including the rules no schema "
                            + "states: the hire date after the birth date, and a password that is not common, "
                            + "repetitive or sequential and holds neither the names nor the email's local part"),
                ]),
            "GET /employees": Operation(
                parameters: [
                    query(
                        "last_name", ["type": "string", "minLength": 1, "maxLength": 16],
                        "Part of the last name, or a LIKE pattern with %"),
                    query(
                        "first_name", ["type": "string", "minLength": 1, "maxLength": 14],
                        "Part of the first name, or a LIKE pattern with %"),
                    query("limit", integer(minimum: 1, maximum: 500), "Records per page (default 50)"),
                    query("after", integer(minimum: 0, maximum: 2_147_483_647), "Return records with a greater emp_no"),
                ],
                responses: ["200": json("A page of matching records", ref("EmployeePage"))]),
            "GET /employees/{emp_no}": Operation(
                parameters: [
                    query(
                        "as_of",
                        [
                            "anyOf": [["type": "string", "format": "date-time"], ["type": "string", "format": "date"]],
                            "description": "An RFC 3339 timestamp, or a date (its start, UTC)",
                        ],
                        "Read the record as it stood then (404 before it existed)")
                ],
                responses: ["200": json("The record", ref("EmployeeRecord"), headers: ["ETag": "The record's version"])]),
            "PATCH /employees/{emp_no}": Operation(
                parameters: [
                    header(
                        "If-Match", ["type": "string", "minLength": 1, "pattern": #"^(\*|"[0-9]{1,18}")$"#],
                        "The ETag read before (`\"3\"`), or `*`; the change is refused (412) if the record moved on")
                ],
                requestBody: jsonBody(employeePatch(dates)),
                responses: [
                    "200": json("The changed record", ref("EmployeeRecord"), headers: ["ETag": "The record's new version"]),
                    "409": problemResponse("Changed concurrently; retry"),
                    "412": problemResponse("If-Match named an old version"),
                    "422": problemResponse(
                        "Fields are unknown or invalid (`errors` names each), including a hire date not after the "
                            + "birth date (the record's, when the body changes only one of them)"),
                ]),
            "GET /me": Operation(responses: ["200": json("The caller's record and scopes", ref("Me"))]),
            "GET /employees/{emp_no}/history": Operation(responses: [
                "200": json("The stream's events, oldest first", ref("EmployeeHistory"))
            ]),
            "GET /events": Operation(
                parameters: [pageAfter, pageLimit],
                responses: ["200": json("A page of the log and the chain head", ref("EventLogPage"))]),
            "GET /events/stream": Operation(
                parameters: [
                    query("after", integer(minimum: 0, maximum: Int64.max), "Start after this position (0: the whole log)")
                ],
                responses: [
                    "200": json(
                        "One LoggedEvent JSON object per line: the backlog, then each event as it commits; never ends by itself",
                        text(), mediaType: "application/x-ndjson")
                ]),
            "GET /events/export": Operation(
                parameters: [
                    query("from", integer(minimum: 1, maximum: Int64.max), "First position of the range (default 1)"),
                    query(
                        "to", integer(minimum: 0, maximum: Int64.max), "Last position (default: the head when the export starts)"),
                    query(
                        "after", integer(minimum: 0, maximum: Int64.max), "Resume after this event (its checkpoints still follow)"
                    ),
                ],
                responses: [
                    "200": json(
                        "One event or checkpoint per line, as docs/LOG-EVIDENCE.md specifies; gzip if accepted",
                        text(), mediaType: "application/x-ndjson")
                ]),
            "GET /events/checkpoints": Operation(
                parameters: [query("after", integer(minimum: 0, maximum: Int64.max), "Only checkpoints after this position")],
                responses: [
                    "200": json("One signed checkpoint per line, in position order", text(), mediaType: "application/x-ndjson")
                ]),
            "GET /.well-known/log-keys.json": Operation(responses: [
                "200": json(
                    "The Ed25519 keys that verify log checkpoints, each with valid_from and valid_until", ["type": "object"],
                    mediaType: "application/jwk-set+json")
            ]),
            "GET /audit/security-log": Operation(
                parameters: [pageAfter, pageLimit],
                responses: ["200": json("A page of the security log", ref("SecurityLogPage"))]),
            "POST /auth/token": Operation(
                requestBody: formBody(ref("TokenRequest")),
                responses: tokenErrors.merging(["200": json("Tokens issued", ref("TokenResponse"))]) { first, _ in first }),
            "POST /api/login": Operation(
                requestBody: formBody(ref("TokenRequest")),
                responses: tokenErrors.merging(["200": json("Tokens issued", ref("TokenResponse"))]) { first, _ in first }),
            "POST /auth/revoke": Operation(
                requestBody: formBody(
                    form(["token": ["type": "string", "minLength": 1], "token_type_hint": text()], required: ["token"])),
                responses: tokenErrors.merging([
                    "200": ["description": "Revoked, or not a token of this service (RFC 7009 §2.2): the body is empty"]
                ]) { first, _ in first }),
            "POST /employees/{emp_no}/scopes": Operation(
                requestBody: jsonBody(scopeGrant),
                responses: [
                    "200": json("The employee's scopes now", ref("EmployeeScopes"), headers: ["ETag": "The record's version"]),
                    "403": problemResponse("The token lacks scope:grant, or a scope it would grant"),
                    "409": problemResponse("Changed concurrently; retry"),
                    "422": problemResponse("Not exactly one of scope and role (`errors` names them)"),
                ]),
            "DELETE /employees/{emp_no}/scopes/{scope}": Operation(
                responses: [
                    "200": json(
                        "The employee's scopes now (unchanged when it did not hold the scope)", ref("EmployeeScopes"),
                        headers: ["ETag": "The record's version"]),
                    "403": problemResponse("The token lacks scope:grant, the scope revoked, or a scope the employee holds"),
                    "404": problemResponse("No such employee or scope"),
                    "409": problemResponse("Changed concurrently; retry"),
                ]),
            "POST /employees/{emp_no}/disable": Operation(responses: [
                "200": json(
                    "The record, disabled (again, if it was)", ref("EmployeeRecord"), headers: ["ETag": "The record's version"]),
                "403": problemResponse("The token lacks admin:write, or a scope the employee holds"),
                "409": problemResponse("Changed concurrently; retry"),
            ]),
            "POST /employees/{emp_no}/enable": Operation(responses: [
                "200": json(
                    "The record, enabled (again, if it was)", ref("EmployeeRecord"), headers: ["ETag": "The record's version"]),
                "403": problemResponse("The token lacks admin:write, or a scope the employee holds"),
                "409": problemResponse("Changed concurrently; retry"),
            ]),
            "PUT /employees/{emp_no}/password": Operation(
                requestBody: jsonBody(passwordChange),
                responses: [
                    "204": ["description": "Changed; every token issued before stops working"],
                    "403": problemResponse(
                        "Not your record and no admin:write; the employee holds a scope the token lacks; or the current "
                            + "password is wrong"),
                    "409": problemResponse("Changed concurrently; retry"),
                    "422": problemResponse(
                        "current_password missing (required without admin:write), or new_password breaks the policy: "
                            + "15 to 256 characters after NFC, not common, repetitive or sequential, holding neither "
                            + "the names nor the email's local part"),
                    "429": problemResponse("Too many wrong current passwords; wait Retry-After seconds"),
                ]),
            "GET /admin/me": Operation(responses: [
                "200": json("The caller's record and scopes", envelope(ref("CompatibilityMe")))
            ]),
            "GET /api/me": Operation(responses: ["200": json("The caller's record and scopes", envelope(ref("CompatibilityMe")))]
            ),
            "GET /emp/search/{last_name}/{first_name}": Operation(responses: compatSearchResponses),
            "POST /emp/search/{last_name}/{first_name}": Operation(responses: compatSearchResponses),
            "GET /emp/admin-get-update/{emp_no}": Operation(responses: [
                "200": json("The record, in a list of one", envelope(["type": "array", "items": ref("CompatibilityEmployee")]))
            ]),
            "GET /emp/own-get-update/{emp_no}": Operation(responses: [
                "200": json("The record, in a list of one", envelope(["type": "array", "items": ref("CompatibilityEmployee")])),
                "403": envelopeErrorResponse("Not the caller's own record, or the token lacks user:read"),
            ]),
            "POST /emp/admin-save": Operation(
                requestBody: formBody(["anyOf": [compatCreateForm(dates), compatUpdateForm(dates)]]),
                responses: formErrors.merging([
                    "200": json(
                        "Saved: the new record in `employees_new_list`, or the changed one in `employees_updated_list`",
                        envelope(ref("SaveResult")), headers: ["Location": "The new record's path, when one was created"]),
                    "404": envelopeErrorResponse("No employee has that empNo"),
                    "409": envelopeErrorResponse("The email exists already, or changed concurrently; retry"),
                ]) { first, _ in first }),
            "POST /emp/user-save": Operation(
                requestBody: formBody(compatUpdateForm(dates)),
                responses: formErrors.merging([
                    "200": json("Saved: the changed record in `employees_updated_list`", envelope(ref("SaveResult"))),
                    "403": envelopeErrorResponse("Not the caller's own record, or the token lacks user:write"),
                    "409": envelopeErrorResponse("Changed concurrently; retry"),
                ]) { first, _ in first }),
        ]
    }

    /// The original's search: each path segment 1 to 16 (14) characters holding a `%` wildcard.
    /// The scope names as a regular expression alternation.
    public static let scopeNames = Scope.allCases.map { NSRegularExpression.escapedPattern(for: $0.rawValue) }.joined(
        separator: "|")

    public static let compatSearchResponses: [String: JSON] = [
        "200": json(
            "At most 1000 matching records", envelope(["type": "array", "items": ref("CompatibilityEmployee")]))
    ]

    /// The compatibility routes' path parameters, which `OpenAPIDocument` cannot type from the route pattern alone.
    public static let pathParameterSchemas: [String: JSON] = [
        "last_name": ["type": "string", "minLength": 1, "maxLength": 16, "pattern": searchPattern],
        "first_name": ["type": "string", "minLength": 1, "maxLength": 14, "pattern": searchPattern],
        "scope": ["type": "string", "enum": .array(Scope.allCases.map { .string($0.rawValue) })],
    ]

    /// A LIKE pattern with at least one `%`, in one path segment (no `/`, no NUL), and no `%` followed by two hex
    /// digits: the value is the decoded segment, so a literal `%41` is sent as `%2541`, and generators that take
    /// `%41` in a value as already encoded would disagree with the server about its length. A subset of what the
    /// API accepts, written without lookahead so that any JSON Schema tool can generate from it:
    /// ordinary characters, or a run of `%` (hex digits between single `%`s) ended by a character that is not a
    /// hex digit, or by one hex digit and such a character; then the last such run, optionally with one hex digit.
    public static let searchPattern: JSON = {
        let other = #"[^/%\u0000]"#
        let notHex = #"[^/%\u00000-9A-Fa-f]"#
        let hex = "[0-9A-Fa-f]"
        let percents = "%+(?:\(hex)%+)*"
        let chunk = "(?:\(other)|\(percents)(?:\(notHex)|\(hex)\(notHex)))*"
        return .string("^\(chunk)\(percents)(?:\(hex)?|(?:\(notHex)|\(hex)\(notHex))\(chunk)(?:\(percents)\(hex)?)?)$")
    }()

    /// The original system's routes answer their own errors in the envelope, but a request the HTTP layer refuses
    /// before routing (a path that is not percent-encoded UTF-8) gets the problem every other route gets.
    public static let envelopeOrProblem: JSON = [
        "description": "The request is malformed",
        "content": [
            "application/json": ["schema": ref("CompatibilityEnvelope")],
            "application/problem+json": ["schema": ref("Problem")],
        ],
    ]

    public static func envelope(_ data: JSON) -> JSON {
        object(
            [
                "status": object(["code": ["const": 200], "text": text()], required: ["code", "text"]),
                "data": data,
            ],
            required: ["status", "data"])
    }

    // MARK: Field rules

    /// Characters no name may hold: C0 and C1 controls, DEL, the line and paragraph separators, and the
    /// bidirectional controls (Unicode Bidi_Control).
    public static let forbiddenInNames = #"\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069"#
    /// Unicode White_Space: trimmed from both ends before the checks.
    public static let whiteSpace = #"\t\n\u000B\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"#
    /// Some of the characters that show by themselves (letters, digits, punctuation, symbols of common scripts); a
    /// name needs at least one visible character, and JSON Schema patterns have no Unicode categories to say so.
    public static let visible = #"!-~\u00A1-\u00AC\u00AE-\u024F\u0391-\u03C9\u0400-\u0481\u4E00-\u9FFF"#

    /// A name of 1 to `maximumLength` characters once white space is trimmed, without forbidden characters, whose
    /// first character (after the white space) is visible. The API also accepts names whose first visible character
    /// comes later or belongs to another script; the pattern describes a subset so that everything it allows is
    /// accepted.
    public static func name(maximumLength: Int) -> JSON {
        let allowed = "[^\(forbiddenInNames)]"
        let inner = "[^\(forbiddenInNames)\(whiteSpace)]"
        let pattern = "^[\(whiteSpace)]*[\(visible)](?:\(allowed){0,\(maximumLength - 2)}\(inner))?[\(whiteSpace)]*$"
        return [
            "type": "string", "pattern": .string(pattern),
            "description": .string("1 to \(maximumLength) characters after trimming white space (NFC); at least one visible"),
        ]
    }

    /// The practical RFC 5322 subset the API accepts: a dot-atom local part and a host name of two or more labels,
    /// the last starting with a letter. Lengths are bounded below the API's (64 for the local part, 255 in all).
    public static let email: JSON = {
        let atom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,15}"
        let label = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?"
        let topLevel = "[A-Za-z](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?"
        return [
            "type": "string", "pattern": .string("^\(atom)(?:\\.\(atom)){0,3}@(?:\(label)\\.){1,3}\(topLevel)$"),
            "description": "An email address; compared case-insensitively for uniqueness",
        ]
    }()

    /// `PasswordPolicy`'s lengths; its blocklists cannot be stated by a schema and are described in the 422.
    public static let password: JSON = [
        "type": "string", "minLength": .integer(Int64(PasswordPolicy.minimumLength)),
        "maxLength": .integer(Int64(PasswordPolicy.maximumLength)),
        "description": "15 to 256 characters (after NFC); not common, repetitive or sequential; without your names or email",
    ]

    public static let gender: JSON = ["type": "string", "enum": ["M", "F"]]

    /// The domain's date ranges as ISO dates. The hire date's lower bound is the earliest birth date's next day, the
    /// part of "hire date after birth date" that one field's schema can state.
    public struct DateBounds {
        let birthDate: JSON
        let hireDate: JSON

        init(today: CalendarDate) {
            let earliestHire = CalendarDate(daysSinceEpoch: DateRules.earliestBirthDate.daysSinceEpoch + 1)!
            let rules = DateRules(today: today)
            birthDate = Self.schema(
                from: DateRules.earliestBirthDate, to: rules.latestBirthDate,
                "A date from 1900-01-01 to today (UTC); the original's d/m/yyyy is accepted too")
            hireDate = Self.schema(
                from: earliestHire, to: rules.latestHireDate,
                "After the birth date, at most a year after today (UTC); d/m/yyyy is accepted too")
        }

        static func schema(from first: CalendarDate, to last: CalendarDate, _ description: String) -> JSON {
            [
                "type": "string", "format": "date", "pattern": .string("^\(OpenAPIDatePattern.range(first.iso, last.iso))$"),
                "description": .string(description),
            ]
        }
    }

    public static func employeeCreate(_ dates: DateBounds) -> JSON {
        object(
            [
                "first_name": name(maximumLength: FirstName.maximumLength),
                "last_name": name(maximumLength: LastName.maximumLength), "birth_date": dates.birthDate, "gender": gender,
                "hire_date": dates.hireDate, "email": email,
                "password": [
                    "description": "Optional: without one the employee cannot log in yet", "anyOf": [password, ["type": "null"]],
                ],
            ],
            required: ["first_name", "last_name", "birth_date", "gender", "hire_date", "email"])
    }

    public static func employeePatch(_ dates: DateBounds) -> JSON {
        func orNull(_ schema: JSON) -> JSON { ["anyOf": [schema, ["type": "null"]]] }
        return object(
            [
                "first_name": orNull(name(maximumLength: FirstName.maximumLength)),
                "last_name": orNull(name(maximumLength: LastName.maximumLength)),
                "birth_date": orNull(dates.birthDate), "gender": orNull(gender), "hire_date": orNull(dates.hireDate),
                "email": ["description": "Ignored: the email is not changed here"],
                "password": ["description": "Ignored: passwords are changed elsewhere"],
                "emp_no": ["description": "Ignored: the path names the employee"],
            ],
            required: [])
    }

    public static let scopeGrant: JSON = {
        let scopes: JSON = ["type": "string", "enum": .array(Scope.allCases.map { .string($0.rawValue) })]
        let roles: JSON = ["type": "string", "enum": .array(Role.allCases.map { .string($0.rawValue) })]
        return [
            "description": "Exactly one of a scope and a role (every scope of the role, in one event)",
            "oneOf": [
                object(["scope": scopes, "role": ["type": "null"]], required: ["scope"]),
                object(["role": roles, "scope": ["type": "null"]], required: ["role"]),
            ],
        ]
    }()

    public static let passwordChange: JSON = object(
        [
            "current_password": [
                "description": "Required unless the token has admin:write", "anyOf": [["type": "string"], ["type": "null"]],
            ],
            "new_password": password,
        ],
        required: ["new_password"])

    /// The original's create form: no `empNo` (or a blank one), every field, email and password included.
    public static func compatCreateForm(_ dates: DateBounds) -> JSON {
        form(
            [
                "empNo": ["type": "string", "pattern": "^ *$"],
                "firstName": name(maximumLength: FirstName.maximumLength),
                "lastName": name(maximumLength: LastName.maximumLength), "birthDate": dates.birthDate, "gender": gender,
                "hireDate": dates.hireDate, "email": email, "password": password,
            ],
            required: ["firstName", "lastName", "birthDate", "gender", "hireDate", "email", "password"])
    }

    /// The original's update form: `empNo` and every personal field; email and password are ignored.
    public static func compatUpdateForm(_ dates: DateBounds) -> JSON {
        form(
            [
                "empNo": [
                    "type": "string", "pattern": "^ *0*[1-9][0-9]{0,8} *$",
                    "description": "The employee number (1 to 2147483647)",
                ],
                "firstName": name(maximumLength: FirstName.maximumLength),
                "lastName": name(maximumLength: LastName.maximumLength), "birthDate": dates.birthDate, "gender": gender,
                "hireDate": dates.hireDate,
            ],
            required: ["empNo", "firstName", "lastName", "birthDate", "gender", "hireDate"])
    }

    public static func components(today: CalendarDate) -> [String: JSON] {
        let dates = DateBounds(today: today)
        return staticComponents.merging(["EmployeeCreate": employeeCreate(dates), "EmployeePatch": employeePatch(dates)]) {
            first, _ in first
        }
    }

    public static let staticComponents: [String: JSON] = [
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
        "EmployeeScopes": object(
            ["emp_no": employeeNumber, "scopes": ["type": "array", "items": ["type": "string"]]], required: ["emp_no", "scopes"]),
        "OAuthError": object(
            [
                "error": [
                    "type": "string",
                    "enum": [
                        "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type",
                        "invalid_scope", "slow_down",
                    ],
                ],
                "error_description": text(), "detail": text(),
            ],
            required: ["error"], additionalProperties: true),
        "CompatibilityEmployee": object(
            [
                "emp_no": employeeNumber, "email": text(), "birth_date": text(description: "dd/mm/yyyy"),
                "first_name": text(), "last_name": text(), "gender": ["type": "string", "enum": ["M", "F"]],
                "hire_date": text(description: "dd/mm/yyyy"),
            ],
            required: ["emp_no", "email", "birth_date", "first_name", "last_name", "gender", "hire_date"]),
        "CompatibilityMe": object(
            [
                "emp_no": employeeNumber, "email": text(), "birth_date": text(description: "dd/mm/yyyy"),
                "first_name": text(), "last_name": text(), "gender": ["type": "string", "enum": ["M", "F"]],
                "hire_date": text(description: "dd/mm/yyyy"), "scopes": ["type": "array", "items": ["type": "string"]],
            ],
            required: ["emp_no", "email", "birth_date", "first_name", "last_name", "gender", "hire_date", "scopes"]),
        "SavedEmployee": object(
            [
                "emp_no": employeeNumber, "email": text(description: "Only for a new employee"),
                "birth_date": text(format: "date"),
                "first_name": text(), "last_name": text(), "gender": ["type": "string", "enum": ["M", "F"]],
                "hire_date": text(format: "date"),
            ],
            required: ["emp_no", "birth_date", "first_name", "last_name", "gender", "hire_date"]),
        "SaveResult": object(
            [
                "employees_new_list": ["type": "array", "items": ref("SavedEmployee")],
                "employees_updated_list": ["type": "array", "items": ref("SavedEmployee")],
            ],
            required: ["employees_new_list", "employees_updated_list"]),
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
                "standbys": [
                    "type": "array", "description": "Present when the service reads from standbys",
                    "items": object(
                        [
                            "standby": integer(minimum: 1, maximum: 1_000), "state": text(),
                            "lag_seconds": nullable("number"), "replay_position": nullable("string"),
                        ],
                        required: ["standby", "state"]),
                ],
            ],
            required: ["database", "projections_caught_up"]),
        "JWKS": object(["keys": ["type": "array", "items": ["type": "object"]]], required: ["keys"]),
        "TokenRequest": form(
            [
                "grant_type": [
                    "type": "string", "enum": ["password", "refresh_token"],
                    "description": "Absent: password (the original's clients)",
                ],
                "username": text(description: "The employee's email address"), "password": text(),
                "refresh_token": text(),
                "scope": [
                    "type": "string",
                    "pattern": .string("^(\(scopeNames))( (\(scopeNames)))*$"),
                    "description": "Space-delimited scopes to ask for; none held: invalid_scope",
                ],
                "client_id": ["type": "string", "pattern": "^[A-Za-z0-9._:-]{1,64}$"],
            ],
            required: []),
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
            [
                "events": ["type": "array", "items": ref("LoggedEvent")],
                "next_after": ["type": ["integer", "null"], "minimum": 0, "description": "null at the end of the log"],
                "head": ref("ChainHead"),
            ],
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

import EventStore

/// Who is acting, recorded on every event the command appends. Never holds a secret.
public struct Actor: Sendable, Hashable {
    /// `employee:<emp_no>` for a person, `system` for the command line.
    public let principal: String
    /// The scopes the actor held when the command was authorized.
    public let scopes: [String]
    public let requestID: String?
    public let idempotencyKey: String?

    public init(principal: String, scopes: [String], requestID: String?, idempotencyKey: String?) {
        self.principal = principal
        self.scopes = scopes
        self.requestID = requestID
        self.idempotencyKey = idempotencyKey
    }

    public static func system(requestID: String? = nil) -> Actor {
        Actor(principal: "system", scopes: ["super:*"], requestID: requestID, idempotencyKey: nil)
    }

    public var metadata: JSONValue {
        var members: [String: JSONValue] = [
            "principal": .string(principal), "scopes": .array(scopes.sorted().map(JSONValue.string)),
        ]
        if let requestID { members["request_id"] = .string(requestID) }
        if let idempotencyKey { members["idempotency_key"] = .string(idempotencyKey) }
        return .object(members)
    }
}

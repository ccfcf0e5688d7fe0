import EventStore

/// JSON as the OpenAPI document is written: built with literals in code, encoded with sorted keys.
public indirect enum OpenAPIValue: Encodable, Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    case string(String)
    case integer(Int64)
    case bool(Bool)
    case array([OpenAPIValue])
    case object([String: OpenAPIValue])

    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(arrayLiteral elements: OpenAPIValue...) { self = .array(elements) }
    public init(dictionaryLiteral members: (String, OpenAPIValue)...) {
        self = .object(Dictionary(members, uniquingKeysWith: { _, last in last }))
    }

    /// The members of an object, nil for other kinds.
    public var objectMembers: [String: OpenAPIValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// Encoded through the log's JSON value, so there is one JSON encoder for value trees.
    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }

    private var json: EventStore.JSONValue {
        switch self {
        case .string(let text): .string(text)
        case .integer(let number): .int(number)
        case .bool(let flag): .bool(flag)
        case .array(let elements): .array(elements.map(\.json))
        case .object(let members): .object(members.mapValues(\.json))
        }
    }
}

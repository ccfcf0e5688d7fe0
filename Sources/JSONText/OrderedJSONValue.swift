/// A JSON value the service writes itself, in the order it is built: a problem's extension members, or a hot
/// response body (`jsonBytes`, an employee record). Named for its reason beside the other JSON values: object members
/// keep their order and nothing is parsed into it (`StrictJSONValue` holds untrusted input, `EventStore.JSONValue`
/// the log's canonical `jsonb`).
public indirect enum OrderedJSONValue: Sendable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([OrderedJSONValue])
    case object([(name: String, value: OrderedJSONValue)])

    /// Compact JSON text, escaped as Foundation's `JSONEncoder` escapes (with `/` left alone).
    public var jsonBytes: [UInt8] {
        var writer = OrderedJSONWriter()
        writer.value(self)
        return writer.bytes
    }
}

extension OrderedJSONValue: Encodable {
    /// The same members through an `Encoder`, so a value with a written form (`EmployeeRecord`) has one encoding
    /// whichever way it is written.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .int(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .bool(let flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try container.encode(element) }
        case .object(let members):
            var container = encoder.container(keyedBy: MemberName.self)
            for member in members { try container.encode(member.value, forKey: MemberName(member.name)) }
        }
    }

    /// An object member's name as a coding key.
    private struct MemberName: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }

        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

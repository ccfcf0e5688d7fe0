import Foundation
import JSONText

/// A JSON document as event data and metadata carry it.
///
/// Numbers are integers only: event payloads never need fractions, and integers have a single canonical text,
/// which the hash chain depends on.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue {
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var intValue: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }
}

extension JSONValue {
    /// The text PostgreSQL prints for this value as `jsonb`: object keys ordered by byte length and then bytes,
    /// `", "` and `": "` separators, and only `"`, `\` and control characters escaped. Writing exactly that text
    /// lets the hash chain be computed before the insert and recomputed later from `data::text`.
    public func canonicalText() throws(JSONValueError) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(128)
        try write(into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    private func write(into output: inout [UInt8]) throws(JSONValueError) {
        switch self {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let value):
            output.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value):
            output.append(contentsOf: String(value).utf8)
        case .string(let value):
            try Self.writeString(value, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(contentsOf: ", ".utf8) }
                try element.write(into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            let sorted = members.sorted { left, right in
                let (leftCount, rightCount) = (left.key.utf8.count, right.key.utf8.count)
                return leftCount != rightCount ? leftCount < rightCount : left.key.utf8.lexicographicallyPrecedes(right.key.utf8)
            }
            for (index, member) in sorted.enumerated() {
                if index > 0 { output.append(contentsOf: ", ".utf8) }
                try Self.writeString(member.key, into: &output)
                output.append(contentsOf: ": ".utf8)
                try member.value.write(into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ value: String, into output: inout [UInt8]) throws(JSONValueError) {
        guard !value.utf8.contains(0) else { throw .nulCharacter }
        JSONStringLiteral.appendQuoted(value, to: &output)
    }
}

extension JSONValue: Decodable {
    /// Parses JSON text (as read back from a `jsonb` column) into a value.
    public init(parsing text: String) throws(JSONValueError) {
        self = try JSONTextParser.parse(text)
    }

    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: MemberKey.self) {
            var members: [String: JSONValue] = [:]
            for key in container.allKeys { members[key.stringValue] = try container.decode(JSONValue.self, forKey: key) }
            self = .object(members)
            return
        }
        if var container = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            while !container.isAtEnd { elements.append(try container.decode(JSONValue.self)) }
            self = .array(elements)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Int64.self) {
            self = .int(value)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    private struct MemberKey: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}

extension JSONValue: Encodable {
    /// The value as Swift's encoders write it (responses and documents that embed log data). The log's own text is
    /// `canonicalText`, never this: only that form is hashed.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .int(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements { try container.encode(element) }
        case .object(let members):
            var container = encoder.container(keyedBy: MemberKey.self)
            for (name, member) in members { try container.encode(member, forKey: MemberKey(stringValue: name)) }
        }
    }
}

/// An RFC 8259 parser for untrusted token headers and claims that is stricter than `JSONSerialization`:
/// a duplicate member name (after unescaping) is an error instead of "last one wins" (RFC 7515 §5.2, RFC 8725
/// §3.12), nesting deeper than `maximumDepth` is refused before recursing, strings must be valid UTF-8 without
/// lone surrogates, and nothing but whitespace may follow the value.
public struct StrictJSONParser {
    private let bytes: [UInt8]
    private let maximumDepth: Int
    private var index = 0

    private init(bytes: [UInt8], maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    /// Parses `bytes` as exactly one JSON value.
    public static func parse(_ bytes: [UInt8], maximumDepth: Int = 32) throws(StrictJSONError) -> StrictJSONValue {
        var parser = StrictJSONParser(bytes: bytes, maximumDepth: maximumDepth)
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw .syntax }
        return value
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(StrictJSONError) -> StrictJSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw .syntax }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            guard depth < maximumDepth else { throw .tooDeep }
            return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["):
            guard depth < maximumDepth else { throw .tooDeep }
            return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseNumber()
        default:
            throw .syntax
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(StrictJSONError) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw .syntax }
        let matches = literal.withUTF8Buffer { expected in
            expected.elementsEqual(bytes[index..<index + count])
        }
        guard matches else { throw .syntax }
        index += count
    }

    private mutating func parseObject(depth: Int) throws(StrictJSONError) -> StrictJSONValue {
        index += 1
        var members: [String: StrictJSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw .syntax }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw .syntax }
            index += 1
            let value = try parseValue(depth: depth)
            guard members.updateValue(value, forKey: key) == nil else { throw .duplicateKey }
            skipWhitespace()
            guard index < bytes.count else { throw .syntax }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .object(members)
            default: throw .syntax
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(StrictJSONError) -> StrictJSONValue {
        index += 1
        var elements: [StrictJSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw .syntax }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return .array(elements)
            default: throw .syntax
            }
        }
    }

    private mutating func parseString() throws(StrictJSONError) -> String {
        index += 1
        var output: [UInt8] = []
        while true {
            guard index < bytes.count else { throw .syntax }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: output, as: UTF8.self) else { throw .syntax }
                return text
            case UInt8(ascii: "\\"):
                try parseEscape(into: &output)
            case 0x00..<0x20:
                throw .syntax
            default:
                output.append(byte)
            }
        }
    }

    private mutating func parseEscape(into output: inout [UInt8]) throws(StrictJSONError) {
        do {
            try JSONStringLiteral.decodeEscape(in: bytes, at: &index, into: &output)
        } catch {
            throw .syntax
        }
    }

    private mutating func parseNumber() throws(StrictJSONError) -> StrictJSONValue {
        let start = index
        var isIntegral = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw .syntax }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            guard try skipDigits() > 0 else { throw .syntax }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isIntegral = false
            index += 1
            guard try skipDigits() > 0 else { throw .syntax }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isIntegral = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard try skipDigits() > 0 else { throw .syntax }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isIntegral, let integer = Int64(text) { return .integer(integer) }
        guard let value = Double(text), value.isFinite else { throw .syntax }
        return .fractional(value)
    }

    private mutating func skipDigits() throws(StrictJSONError) -> Int {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return index - start
    }
}

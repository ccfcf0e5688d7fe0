import JSONText

/// Parses JSON text into a `JSONValue` in one pass over its UTF-8 bytes.
///
/// Reading the log back (stream loads, rebuilds, the verifier's readers) parses every event's data and metadata;
/// Foundation's `JSONDecoder` through `Decodable` cost more than the database read itself. RFC 8259 grammar, with what
/// `JSONValue` cannot model refused: fractions, exponents and integers outside `Int64`. A repeated object key keeps its
/// last value, as `jsonb` does. Nesting deeper than `maximumDepth` is refused rather than risking the stack.
struct JSONTextParser {
    static let maximumDepth = 256

    private let bytes: [UInt8]
    private var index = 0

    static func parse(_ text: String) throws(JSONValueError) -> JSONValue {
        var parser = JSONTextParser(bytes: Array(text.utf8))
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw .unsupported("text after the JSON value") }
        return value
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private mutating func value(depth: Int) throws(JSONValueError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw .unsupported("nested too deeply") }
        guard index < bytes.count else { throw .unsupported("unexpected end") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default: return .int(try integer())
        }
    }

    private mutating func object(depth: Int) throws(JSONValueError) -> JSONValue {
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return .object(members) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw .unsupported("expected a key") }
            let key = try string()
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { throw .unsupported("expected ':'") }
            skipWhitespace()
            members[key] = try value(depth: depth + 1)
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            guard consume(UInt8(ascii: "}")) else { throw .unsupported("expected ',' or '}'") }
            return .object(members)
        }
    }

    private mutating func array(depth: Int) throws(JSONValueError) -> JSONValue {
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            guard consume(UInt8(ascii: "]")) else { throw .unsupported("expected ',' or ']'") }
            return .array(elements)
        }
    }

    /// A string starting at the opening quote. Runs without escapes are copied as they are.
    private mutating func string() throws(JSONValueError) -> String {
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                return String(decoding: bytes[start..<index], as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw .unsupported("control character in a string") }
            index += 1
        }
        var scalars = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape(into: &scalars)
            case ..<0x20:
                throw .unsupported("control character in a string")
            default:
                scalars.append(byte)
            }
        }
        throw .unsupported("unterminated string")
    }

    private mutating func escape(into output: inout [UInt8]) throws(JSONValueError) {
        do {
            try JSONStringLiteral.decodeEscape(in: bytes, at: &index, into: &output)
        } catch {
            switch error {
            case .unterminated: throw .unsupported("unterminated escape")
            case .shortUnicodeEscape: throw .unsupported("short \\u escape")
            case .invalidUnicodeEscape: throw .unsupported("invalid \\u escape")
            case .loneSurrogate: throw .unsupported("lone surrogate")
            case .invalidEscape: throw .unsupported("invalid escape")
            }
        }
    }

    private mutating func integer() throws(JSONValueError) -> Int64 {
        let negative = consume(UInt8(ascii: "-"))
        let start = index
        var magnitude: UInt64 = 0
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw .unsupported("integer out of range") }
            magnitude = sum
            index += 1
        }
        let digits = index - start
        guard digits > 0 else { throw .unsupported("not JSON of the supported kinds") }
        guard digits == 1 || bytes[start] != UInt8(ascii: "0") else { throw .unsupported("leading zero") }
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
            throw .unsupported("fractions and exponents are not supported")
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw .unsupported("integer out of range") }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw .unsupported("integer out of range") }
        return Int64(magnitude)
    }

    private mutating func literal(_ word: StaticString) throws(JSONValueError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw .unsupported("unexpected end") }
        let matches = word.withUTF8Buffer { expected in bytes[index..<index + count].elementsEqual(expected) }
        guard matches else { throw .unsupported("not JSON of the supported kinds") }
        index += count
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): index += 1
            default: return
            }
        }
    }
}

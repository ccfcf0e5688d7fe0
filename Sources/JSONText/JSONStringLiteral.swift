/// JSON string literals, both ways: the one piece of JSON that the event store's reader and writer, the strict request
/// parser, the token writer and the HTTP body writer all need, and that must be the same everywhere (the event
/// store's hash covers the text, so its escaping has to match PostgreSQL's `jsonb` output byte for byte).
public enum JSONStringLiteral {
    /// Why an escape sequence was refused.
    public enum EscapeError: Error, Sendable, Equatable {
        /// The text ended inside the escape.
        case unterminated
        /// `\u` followed by fewer than four characters.
        case shortUnicodeEscape
        /// `\u` followed by something other than four hex digits.
        case invalidUnicodeEscape
        /// A UTF-16 surrogate without its other half.
        case loneSurrogate
        /// A backslash followed by a character that has no escape meaning.
        case invalidEscape
    }

    /// Appends `value` in double quotes, escaping `"`, `\` and the control characters (`\b \f \n \r \t`, the others as
    /// `\u00xx`) and nothing else: how PostgreSQL writes `jsonb` text and how `JSONEncoder` writes with
    /// `.withoutEscapingSlashes`.
    public static func appendQuoted(_ value: String, to output: inout [UInt8]) {
        var value = value
        value.withUTF8 { appendQuoted(utf8: $0, to: &output) }
    }

    /// The same for UTF-8 bytes. Runs that need no escape are copied whole: long texts (the event log's export) are
    /// mostly such runs.
    public static func appendQuoted(utf8 bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var runStart = 0
        for index in bytes.indices {
            let byte = bytes[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            runStart = index + 1
            output.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
            case 0x08: output.append(UInt8(ascii: "b"))
            case 0x0C: output.append(UInt8(ascii: "f"))
            case 0x0A: output.append(UInt8(ascii: "n"))
            case 0x0D: output.append(UInt8(ascii: "r"))
            case 0x09: output.append(UInt8(ascii: "t"))
            default:
                output.append(UInt8(ascii: "u"))
                output.append(UInt8(ascii: "0"))
                output.append(UInt8(ascii: "0"))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        output.append(UInt8(ascii: "\""))
    }

    /// Decodes the escape sequence whose backslash is just before `bytes[index]`: appends what it stands for (as
    /// UTF-8) to `output` and moves `index` past it. A `\u` high surrogate must be followed by `\u` and its low half.
    public static func decodeEscape(
        in bytes: [UInt8], at index: inout Int, into output: inout [UInt8]
    ) throws(EscapeError) {
        guard index < bytes.count else { throw .unterminated }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            var code = try hexQuad(in: bytes, at: &index)
            if (0xD800..<0xDC00).contains(code) {
                guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw .loneSurrogate }
                index += 2
                let low = try hexQuad(in: bytes, at: &index)
                guard (0xDC00..<0xE000).contains(low) else { throw .loneSurrogate }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(code) {
                throw .loneSurrogate
            }
            guard let scalar = Unicode.Scalar(code) else { throw .invalidUnicodeEscape }
            output.append(contentsOf: UTF8.encode(scalar)!)
        default:
            throw .invalidEscape
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func hexQuad(in bytes: [UInt8], at index: inout Int) throws(EscapeError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw .shortUnicodeEscape }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw .invalidUnicodeEscape
            }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }
}

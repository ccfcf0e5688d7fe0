enum RouterPattern {
    enum Kind: String, Sendable, CustomStringConvertible {
        case int, string
        var description: String { rawValue }
    }

    enum Segment {
        case literal(String)
        case parameter(name: String, kind: Kind)
    }

    static func parse(_ pattern: String) throws(RouterError) -> [Segment] {
        guard pattern.first == "/" else { throw RouterError(description: "\(pattern): a pattern starts with /") }
        var names = Set<String>()
        var segments: [Segment] = []
        for raw in pattern.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            if raw.first == "{" {
                guard raw.last == "}", raw.count > 2 else {
                    throw RouterError(description: "\(pattern): a parameter is written {name} or {name:type}")
                }
                let inside = raw.dropFirst().dropLast()
                let parts = inside.split(separator: ":", omittingEmptySubsequences: false)
                let name = String(parts[0])
                guard parts.count <= 2, isIdentifier(name) else {
                    throw RouterError(description: "\(pattern): invalid parameter {\(inside)}")
                }
                guard let kind = parts.count == 2 ? Kind(rawValue: String(parts[1])) : .string else {
                    throw RouterError(description: "\(pattern): parameter type must be int or string")
                }
                guard names.insert(name).inserted else {
                    throw RouterError(description: "\(pattern): parameter \(name) appears twice")
                }
                segments.append(.parameter(name: name, kind: kind))
            } else {
                guard raw.utf8.allSatisfy(isLiteralByte) else {
                    throw RouterError(description: "\(pattern): literal segment \(raw) has a reserved character")
                }
                segments.append(.literal(String(raw)))
            }
        }
        return segments
    }

    /// An optional minus sign and 1 to 18 digits, so the value always fits an `Int`.
    static func parseInt(_ text: String) -> Int? {
        let digits = text.utf8.first == UInt8(ascii: "-") ? text.utf8.dropFirst() : text.utf8[...]
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(text)
    }

    private static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || !(0x30...0x39).contains(first) else {
            return false
        }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isAlphanumeric($0) }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// pchar without percent-encoding: unreserved, sub-delims, ":" and "@" (RFC 3986 §3.3), minus the braces.
    private static func isLiteralByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || Array("-._~!$&'()*+,;=:@".utf8).contains(byte)
    }
}

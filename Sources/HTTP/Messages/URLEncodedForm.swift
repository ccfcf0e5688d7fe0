/// Name/value pairs of a query string or of an `application/x-www-form-urlencoded` body, percent-decoded, in order,
/// repeats kept: a parameter given twice is often an attack on whichever copy a layer happens to read, so the app must
/// be able to see and refuse it (`repeatedNames`).
public struct URLEncodedForm: Sendable, Sequence {
    public typealias Field = (name: String, value: String)

    public private(set) var fields: [Field]

    public init(fields: [Field] = []) {
        self.fields = fields
    }

    /// Parses `name=value&name2=value2`; `+` is a space, `%XX` a byte, empty pairs are skipped, a name without `=`
    /// has an empty value. Throws a 400 problem for a bad escape, invalid UTF-8 or a NUL.
    public init(parsing bytes: some Collection<UInt8>) throws(HTTPError) {
        var fields: [Field] = []
        for pair in bytes.split(separator: 0x26, omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: 0x3D)
            let rawName = pair[pair.startIndex..<(equals ?? pair.endIndex)]
            let rawValue = equals.map { pair[pair.index(after: $0)...] } ?? pair[pair.endIndex...]
            guard let name = PercentDecoding.decode(rawName, plusIsSpace: true),
                let value = PercentDecoding.decode(rawValue, plusIsSpace: true)
            else {
                throw HTTPError(.badRequest, detail: "The form or query string is not correctly percent-encoded UTF-8.")
            }
            fields.append((name: name, value: value))
        }
        self.fields = fields
    }

    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Field]> {
        fields.makeIterator()
    }

    /// The first value for `name` (exact, case-sensitive match), or nil.
    public subscript(name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    public func values(_ name: String) -> [String] {
        fields.compactMap { $0.name == name ? $0.value : nil }
    }

    /// Names that occur more than once, in order of their second occurrence.
    public var repeatedNames: [String] {
        var seen = Set<String>()
        var repeated: [String] = []
        for field in fields where !seen.insert(field.name).inserted && !repeated.contains(field.name) {
            repeated.append(field.name)
        }
        return repeated
    }
}

/// RFC 3986 percent-decoding. The result must be valid UTF-8 without NUL: a decoded NUL or a stray byte reaching a
/// database or a log is never what a client legitimately meant.
enum PercentDecoding {
    static func decode(_ bytes: some Collection<UInt8>, plusIsSpace: Bool) -> String? {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            index = bytes.index(after: index)
            switch byte {
            case 0x25:
                guard index != bytes.endIndex, let high = hexValue(bytes[index]) else { return nil }
                index = bytes.index(after: index)
                guard index != bytes.endIndex, let low = hexValue(bytes[index]) else { return nil }
                index = bytes.index(after: index)
                decoded.append(high << 4 | low)
            case 0x2B where plusIsSpace:
                decoded.append(0x20)
            default:
                decoded.append(byte)
            }
        }
        guard !decoded.contains(0) else { return nil }
        return String(validating: decoded, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }
}

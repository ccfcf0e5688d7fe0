/// Header fields in the order they were received or added, repeats kept (a proxy or an attacker may repeat a field, and
/// the app must be able to see that). Lookup ignores ASCII case, as field names are case-insensitive.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public typealias Field = (name: String, value: String)

    private var fields: [Field]

    public init() {
        fields = []
    }

    public init(_ fields: [Field]) {
        self.fields = fields
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Field]> {
        fields.makeIterator()
    }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        for field in fields where Self.sameName(field.name, name) {
            return field.value
        }
        return nil
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.compactMap { Self.sameName($0.name, name) ? $0.value : nil }
    }

    public func contains(_ name: String) -> Bool {
        fields.contains { Self.sameName($0.name, name) }
    }

    /// Appends a field; an existing field with the same name is kept.
    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces every field named `name` by one field with `value`.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        fields.append((name: name, value: value))
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { Self.sameName($0.name, name) }
    }

    /// Field names only: values may hold credentials.
    public var description: String {
        "HTTPHeaders(\(fields.map(\.name).joined(separator: ", ")))"
    }

    static func sameName(_ lhs: String, _ rhs: String) -> Bool {
        var left = lhs.utf8.makeIterator()
        var right = rhs.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil):
                return true
            case (let a?, let b?):
                if a != b && ASCII.lowercased(a) != ASCII.lowercased(b) { return false }
            default:
                return false
            }
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (RFC 9110's optional whitespace around field values and their
    /// parts). Works on the UTF-8 bytes: Foundation's `trimmingCharacters(in:)` bridges through UTF-16 and costs more
    /// than the rest of a request's header handling.
    public var trimmingOptionalWhitespace: Substring {
        var view = Substring(self).utf8
        while let first = view.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { view.removeFirst() }
        while let last = view.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { view.removeLast() }
        return Substring(view)
    }
}

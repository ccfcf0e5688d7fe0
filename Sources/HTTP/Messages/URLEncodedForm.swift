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

/// Writes JSON objects with members in the order given, so issued headers and thumbprint inputs are byte-stable.
public struct JSONObjectWriter {
    public init() {}

    private var text = "{"
    private var isEmpty = true

    public mutating func add(_ key: String, string value: String) {
        addKey(key)
        Self.appendQuoted(value, to: &text)
    }

    public mutating func add(_ key: String, integer value: Int64) {
        addKey(key)
        text += String(value)
    }

    public mutating func add(_ key: String, rawJSON value: String) {
        addKey(key)
        text += value
    }

    public var json: String { text + "}" }

    private mutating func addKey(_ key: String) {
        if !isEmpty { text += "," }
        isEmpty = false
        Self.appendQuoted(key, to: &text)
        text += ":"
    }

    /// Appends `value` as a JSON string literal (see `JSONStringLiteral.appendQuoted`).
    static func appendQuoted(_ value: String, to text: inout String) {
        var bytes: [UInt8] = []
        JSONStringLiteral.appendQuoted(value, to: &bytes)
        text += String(decoding: bytes, as: UTF8.self)
    }
}

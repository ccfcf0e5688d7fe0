/// A JSON value for bodies the server writes itself: a problem's extension members, or a handler's small, hot
/// response (`jsonBytes`). Object members keep their order.
public indirect enum JSONValue: Sendable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(name: String, value: JSONValue)])

    /// Compact JSON text, escaped as Foundation's `JSONEncoder` escapes (with `/` left alone).
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter()
        writer.value(self)
        return writer.bytes
    }
}

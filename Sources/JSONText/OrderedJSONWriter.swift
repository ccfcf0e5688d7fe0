/// Writes `OrderedJSONValue`s without Foundation: problem documents are rendered on every error path and records on
/// every read, so they must be cheap.
public struct OrderedJSONWriter {
    public var bytes: [UInt8] = []

    public init() {}

    public mutating func member(_ name: String, _ value: OrderedJSONValue, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        string(name)
        bytes.append(UInt8(ascii: ":"))
        self.value(value)
    }

    public mutating func value(_ value: OrderedJSONValue) {
        switch value {
        case .string(let text):
            string(text)
        case .int(let number):
            bytes.append(contentsOf: String(number).utf8)
        case .bool(let flag):
            bytes.append(contentsOf: (flag ? "true" : "false").utf8)
        case .null:
            bytes.append(contentsOf: "null".utf8)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                self.value(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                self.member(member.name, member.value, first: index == 0)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    mutating func string(_ text: String) {
        JSONStringLiteral.appendQuoted(text, to: &bytes)
    }
}

/// One attribute: a constant name and an escaped value, or a boolean attribute written by name alone.
struct HTMLAttribute: Sendable {
    let name: StaticString
    /// Nil for a boolean attribute that is present (`disabled`, `required`).
    let value: String?

    init(_ name: StaticString, _ value: String) {
        self.name = name
        self.value = value
    }

    private init(flag name: StaticString) {
        self.name = name
        self.value = nil
    }

    static func flag(_ name: StaticString) -> HTMLAttribute { HTMLAttribute(flag: name) }
    static func `class`(_ value: String) -> HTMLAttribute { HTMLAttribute("class", value) }
    static func id(_ value: String) -> HTMLAttribute { HTMLAttribute("id", value) }
    static func name(_ value: String) -> HTMLAttribute { HTMLAttribute("name", value) }

    /// A link inside this service: only a path beginning with one `/` is accepted, so no `javascript:` or
    /// other-site URL can be formed from data; anything else becomes the home page.
    static func href(_ path: String) -> HTMLAttribute { HTMLAttribute("href", LocalPath.sanitized(path)) }
    static func action(_ path: String) -> HTMLAttribute { HTMLAttribute("action", LocalPath.sanitized(path)) }

    func write(into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        guard let value else { return }
        bytes.append(contentsOf: "=\"".utf8)
        HTMLEscaping.append(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }
}

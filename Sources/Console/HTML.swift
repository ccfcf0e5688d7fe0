/// A fragment of an HTML document, built as a tree so that escaping is a property of the type, not of care taken
/// at each call site: text and attribute values are always escaped when written, element and attribute names can
/// only be compile-time constants, and the one way to emit markup verbatim (`trusted`) also takes only a
/// compile-time constant. No value that reached the service from outside can become markup.
struct HTML: Sendable {
    fileprivate enum Node: Sendable {
        case text(String)
        case trusted(StaticString)
        case element(StaticString, [HTMLAttribute], [HTML], isVoid: Bool)
        case fragment([HTML])
    }

    fileprivate let node: Node

    /// Text content, escaped when written.
    static func text(_ text: String) -> HTML { HTML(node: .text(text)) }

    /// Markup written as is; only a literal in the source can be trusted.
    static func trusted(_ markup: StaticString) -> HTML { HTML(node: .trusted(markup)) }

    /// An element with children. Void elements (`input`, `meta`, `link`) use `void`.
    static func element(_ name: StaticString, _ attributes: [HTMLAttribute] = [], _ children: [HTML] = []) -> HTML {
        HTML(node: .element(name, attributes, children, isVoid: false))
    }

    /// An element that has no content and no end tag.
    static func void(_ name: StaticString, _ attributes: [HTMLAttribute] = []) -> HTML {
        HTML(node: .element(name, attributes, [], isVoid: true))
    }

    /// Several siblings as one value.
    static func fragment(_ children: [HTML]) -> HTML { HTML(node: .fragment(children)) }

    static let empty = HTML(node: .fragment([]))

    /// The document's bytes: a doctype and this tree.
    func document() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8192)
        bytes.append(contentsOf: "<!DOCTYPE html>\n".utf8)
        write(into: &bytes)
        return bytes
    }

    func write(into bytes: inout [UInt8]) {
        switch node {
        case .text(let text):
            HTMLEscaping.append(text, to: &bytes)
        case .trusted(let markup):
            bytes.append(contentsOf: UnsafeBufferPointer(start: markup.utf8Start, count: markup.utf8CodeUnitCount))
        case .element(let name, let attributes, let children, let isVoid):
            let nameBytes = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            bytes.append(UInt8(ascii: "<"))
            bytes.append(contentsOf: nameBytes)
            for attribute in attributes { attribute.write(into: &bytes) }
            bytes.append(UInt8(ascii: ">"))
            if isVoid { return }
            for child in children { child.write(into: &bytes) }
            bytes.append(contentsOf: "</".utf8)
            bytes.append(contentsOf: nameBytes)
            bytes.append(UInt8(ascii: ">"))
        case .fragment(let children):
            for child in children { child.write(into: &bytes) }
        }
    }
}

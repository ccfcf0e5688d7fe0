import Foundation
import Glibc

/// A response as the wire carried it, for assertions.
public struct HTTPTestResponse: Sendable {
    public let status: Int
    /// Header fields in order, names as sent.
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object (fails the caller's expectations loudly by returning an empty one otherwise).
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }
}

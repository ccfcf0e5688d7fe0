/// A request method. A struct rather than an enum because extension methods are legal HTTP: an unknown method on a
/// known path is answered 405 by the router instead of being rejected by the parser.
public struct HTTPMethod: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public static let GET = HTTPMethod("GET")
    public static let HEAD = HTTPMethod("HEAD")
    public static let POST = HTTPMethod("POST")
    public static let PUT = HTTPMethod("PUT")
    public static let PATCH = HTTPMethod("PATCH")
    public static let DELETE = HTTPMethod("DELETE")
    public static let OPTIONS = HTTPMethod("OPTIONS")

    public var description: String { rawValue }

    /// Maps the method token of a request line without allocating for the common methods.
    init(token: UnsafeBufferPointer<UInt8>) {
        switch token.count {
        case 3 where token[0] == 0x47 && token[1] == 0x45 && token[2] == 0x54: self = .GET
        case 3 where token[0] == 0x50 && token[1] == 0x55 && token[2] == 0x54: self = .PUT
        case 4 where token[0] == 0x50 && token[1] == 0x4F && token[2] == 0x53 && token[3] == 0x54: self = .POST
        case 4 where token[0] == 0x48 && token[1] == 0x45 && token[2] == 0x41 && token[3] == 0x44: self = .HEAD
        default: self.init(String(decoding: token, as: UTF8.self))
        }
    }
}

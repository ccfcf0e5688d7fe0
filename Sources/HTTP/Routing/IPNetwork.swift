import Glibc

/// An IPv4 or IPv6 network in CIDR notation (`10.0.0.0/8`, `::1/128`; a bare address is the network of that one
/// address), for deciding whether a peer is one the service trusts, such as its own reverse proxy.
///
/// Why a type of our own: addresses arrive as text from the kernel and from forwarding headers; comparing them as text
/// would take `::ffff:127.0.0.1` or `127.000.0.1` for strangers (or worse, a stranger for a friend). Both sides are
/// parsed by `inet_pton`, which accepts only canonical forms, and compared as bytes.
public struct IPNetwork: Sendable, Equatable, CustomStringConvertible {
    private let address: [UInt8]
    private let prefixLength: Int

    /// Nil when `text` is not an address, or an address with a prefix length its family cannot have.
    public init?(cidr text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = Self.bytes(of: String(parts[0])) else { return nil }
        let length: Int
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), parsed >= 0, parsed <= address.count * 8,
                parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber)
            else { return nil }
            length = parsed
        } else {
            length = address.count * 8
        }
        self.address = address
        prefixLength = length
    }

    public var description: String {
        "\(Self.text(of: address))/\(prefixLength)"
    }

    /// Whether `text` is an address of this network. An IPv4 address given as IPv4-mapped IPv6 (`::ffff:a.b.c.d`, how
    /// a dual-stack listener reports IPv4 peers) counts as the IPv4 address.
    public func contains(_ text: String) -> Bool {
        guard var candidate = Self.bytes(of: text) else { return false }
        if address.count == 4, candidate.count == 16, candidate.prefix(12) == Self.mappedPrefix[...] {
            candidate = Array(candidate.suffix(4))
        }
        guard candidate.count == address.count else { return false }
        var remaining = prefixLength
        for index in address.indices where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if candidate[index] & mask != address[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// Networks separated by commas or spaces (`127.0.0.1, 10.0.0.0/8`); nil when any of them is not one.
    public static func list(_ text: String) -> [IPNetwork]? {
        var networks: [IPNetwork] = []
        for item in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
            guard let network = IPNetwork(cidr: String(item)) else { return nil }
            networks.append(network)
        }
        return networks
    }

    /// Whether `text` is an IPv4 or IPv6 address in a form `inet_pton` accepts.
    public static func isAddress(_ text: String) -> Bool {
        bytes(of: text) != nil
    }

    private static let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]

    private static func bytes(of text: String) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 16)
        if text.contains(":") {
            return inet_pton(AF_INET6, text, &buffer) == 1 ? buffer : nil
        }
        return inet_pton(AF_INET, text, &buffer) == 1 ? Array(buffer.prefix(4)) : nil
    }

    private static func text(of bytes: [UInt8]) -> String {
        var output = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        guard inet_ntop(family, bytes, &output, socklen_t(output.count)) != nil else { return "?" }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

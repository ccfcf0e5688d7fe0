import Foundation

/// The last link of the chain: what an auditor keeps outside the database to prove later that the log only grew.
public struct ChainHead: Sendable, Hashable {
    public let position: Int64
    public let hash: [UInt8]

    public init(position: Int64, hash: [UInt8]) {
        self.position = position
        self.hash = hash
    }

    public static let genesis = ChainHead(position: 0, hash: [UInt8](repeating: 0, count: 32))
}

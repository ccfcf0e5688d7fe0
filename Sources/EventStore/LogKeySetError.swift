import Crypto
import Foundation
import JSONText

/// Why a `log-keys.json` document was refused.
public struct LogKeySetError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
}

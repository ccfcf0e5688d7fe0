import Foundation
import Security
import Synchronization

/// Tokens whose signature and claims already verified, so a client's next requests skip the Ed25519 check (about
/// 150 µs, the largest cost of an authenticated read). Only successful verifications are cached, keyed by the whole
/// token text, and only until the token's own expiry; revocation is unaffected because the principal table and the
/// revoked ids are consulted on every request after this lookup. Bounded: when full it starts over.
final class VerifiedTokenCache: Sendable {
    private let entries = Mutex<[String: VerifiedAccessToken]>([:])
    private let capacity: Int
    private let now: @Sendable () -> Date

    init(capacity: Int = 10_000, now: @escaping @Sendable () -> Date = Date.init) {
        self.capacity = capacity
        self.now = now
    }

    func lookup(_ token: String) -> VerifiedAccessToken? {
        guard let verified = entries.withLock({ $0[token] }) else { return nil }
        guard verified.expiresAt > now() else {
            entries.withLock { _ = $0.removeValue(forKey: token) }
            return nil
        }
        return verified
    }

    func store(_ token: String, _ verified: VerifiedAccessToken) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = verified
        }
    }
}

import Dispatch
import Foundation
import Security

/// Password checks and hashing. Argon2id is deliberately slow and memory-hungry, so it runs on a dispatch queue,
/// never on Swift's cooperative pool (about two threads here), which would stall every other request; and at most
/// one piece of it per core runs at once (`PasswordWorkLimiter`): under more logins than the cores can check, the
/// surplus is refused at once (`PasswordWorkLimiter.Overloaded`, answered 503 with `Retry-After`) instead of every
/// login slowing down until clients time out.
public struct PasswordService: Sendable {
    public let hasher: PasswordHasher
    public let policy: PasswordPolicy
    public let limiter: PasswordWorkLimiter

    /// How long a password check may wait for a free core before it is refused: a login answered within about a
    /// second is still a login a person or a client waits for.
    public static let defaultMaximumWait: Duration = .seconds(1)

    public init(
        hasher: PasswordHasher = PasswordHasher(), policy: PasswordPolicy = PasswordPolicy(),
        limiter: PasswordWorkLimiter = PasswordWorkLimiter(
            concurrency: ProcessInfo.processInfo.activeProcessorCount, maximumWait: PasswordService.defaultMaximumWait)
    ) {
        self.hasher = hasher
        self.policy = policy
        self.limiter = limiter
    }

    private static let hashing = DispatchQueue(label: "password-hashing", attributes: .concurrent)

    /// The policy's verdict as a sentence about the password.
    public static func message(for violation: PasswordPolicyViolation) -> String {
        switch violation {
        case .tooShort(let minimum): "must be at least \(minimum) characters"
        case .tooLong(let maximum): "must be at most \(maximum) characters"
        case .commonPassword: "is too common; choose another"
        case .repetitiveOrSequential: "is too repetitive or sequential"
        case .containsContextWord: "must not contain your name or email address"
        }
    }

    public func hash(_ password: String) async throws -> String {
        let hasher = hasher
        return try await limiter.run { try await Self.offPool { try hasher.hash(password) } }
    }

    /// Throws only `PasswordWorkLimiter.Overloaded`: a refused check is no answer about the password.
    public func verify(_ password: String, against hash: String) async throws -> Bool {
        let hasher = hasher
        return try await limiter.run { try await Self.offPool { hasher.verify(password, against: hash) } }
    }

    /// Spends the time of one verification, so an unknown user answers as slowly as a wrong password (and is refused
    /// under overload exactly as a known one is).
    public func dummyVerify(_ password: String) async throws {
        let hasher = hasher
        try await limiter.run { try await Self.offPool { hasher.dummyVerify(password) } }
    }

    private static func offPool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            hashing.async { continuation.resume(with: Result { try work() }) }
        }
    }
}

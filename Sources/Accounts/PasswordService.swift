import Dispatch
import Security

/// Password checks and hashing. Argon2id is deliberately slow and memory-hungry, so it runs on a dispatch queue,
/// never on Swift's cooperative pool (about two threads here), which would stall every other request.
public struct PasswordService: Sendable {
    public let hasher: PasswordHasher
    public let policy: PasswordPolicy

    public init(hasher: PasswordHasher = PasswordHasher(), policy: PasswordPolicy = PasswordPolicy()) {
        self.hasher = hasher
        self.policy = policy
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
        try await Self.offPool { try hasher.hash(password) }
    }

    public func verify(_ password: String, against hash: String) async -> Bool {
        (try? await Self.offPool { hasher.verify(password, against: hash) }) ?? false
    }

    /// Spends the time of one verification, so an unknown user answers as slowly as a wrong password.
    public func dummyVerify(_ password: String) async {
        _ = try? await Self.offPool { hasher.dummyVerify(password) }
    }

    private static func offPool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            hashing.async { continuation.resume(with: Result { try work() }) }
        }
    }
}

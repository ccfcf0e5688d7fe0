import Employees
import EventStore
import Records
import Security

/// Replays the log and judges every event by the authority its actor held at that position.
///
/// The chain verifier proves the log was not altered; this proves that what it records was allowed: each event's
/// actor (`metadata.principal`) must have held, just before the event's position, the scopes its command required,
/// as granted and revoked by the log itself (with implication). It is pure logic over recorded events, fed in
/// position order, so it needs no database and no clock.
///
/// Required scopes, per event type, keyed on whether the actor acts on its own stream (`employee:N` on `employee-N`):
/// | event | own record | another's record |
/// | --- | --- | --- |
/// | `EmployeeCreated` | `admin:write` | `admin:write` |
/// | `EmployeeUpdated` | `user:write` | `admin:write` |
/// | `PasswordChanged` | `user:write` | `admin:write` |
/// | `ScopeGranted`, `ScopeRevoked` | `scope:grant` | `scope:grant` |
/// | `EmployeeDisabled`, `EmployeeEnabled` | `admin:write` | `admin:write` |
/// A command that changes who can act as an account (another's `PasswordChanged`, `EmployeeDisabled`,
/// `EmployeeEnabled`, `ScopeRevoked`) also needs every scope the subject held at that position: a weaker
/// administrator taking over or locking out a stronger account is a violation even with the table's scopes.
/// The `system` actor (the command line, imports) may do everything. A disabled employee may do nothing: its tokens
/// are refused, so an event in its name after its `EmployeeDisabled` is a violation too.
struct AuthorityChecker {
    /// One event its actor was not entitled to record.
    struct Violation: Sendable, Hashable, CustomStringConvertible {
        enum Reason: Sendable, Hashable {
            /// The actor lacked these scopes (after implication) at the event's position.
            case missingScopes(ScopeSet)
            /// The actor was disabled at the event's position.
            case actorDisabled
            /// The actor is no employee the log knows of before this position.
            case unknownActor
            /// The metadata names no principal, or one that is neither `system` nor `employee:<emp_no>`.
            case unidentifiedActor
            /// An event type (or stream) the checker has no rule for; nobody may record what no command produces.
            case unknownEventType
            /// The event changed who can act as an account holding these scopes, which the actor lacked.
            case subjectHoldsMore(ScopeSet)
        }

        let position: Int64
        let actor: String
        let eventType: String
        let streamID: String
        let reason: Reason

        var description: String {
            let what = "position \(position): \(actor.isEmpty ? "(no actor)" : actor) recorded \(eventType) on \(streamID)"
            switch reason {
            case .missingScopes(let scopes): return "\(what) without \(scopes.spaceDelimited)"
            case .actorDisabled: return "\(what) while disabled"
            case .unknownActor: return "\(what) but is not an employee at that position"
            case .unidentifiedActor: return "\(what) with no identifiable principal"
            case .unknownEventType: return "\(what), a type no command produces"
            case .subjectHoldsMore(let scopes): return "\(what), an account holding \(scopes.spaceDelimited) the actor lacked"
            }
        }
    }

    /// What the log has granted one employee so far. Scopes are kept as granted; implication applies when judging.
    private struct Holder {
        var scopes: ScopeSet = .empty
        var disabled = false
    }

    static let systemPrincipal = "system"

    private var holders: [Int: Holder] = [:]
    private(set) var eventsChecked: Int64 = 0
    private(set) var violations: [Violation] = []

    /// Judges `event` (events must arrive in position order), then applies its effect on authority.
    mutating func check(_ event: RecordedEvent) {
        eventsChecked += 1
        let actor = event.metadata["principal"]?.stringValue ?? ""
        let subject = try? EmployeeEventCodec.employeeNumber(of: event.streamID)
        let domainEvent = try? EmployeeEventCodec.domainEvent(event)
        if let reason = judge(actor: actor, subject: subject, event: domainEvent) {
            violations.append(
                Violation(
                    position: event.position, actor: actor, eventType: event.type, streamID: event.streamID.rawValue,
                    reason: reason))
        }
        if let subject, let domainEvent { apply(domainEvent, to: subject) }
    }

    /// The scopes an actor needs to record `event` on employee `subject`'s stream.
    static func requiredScopes(for event: EmployeeEvent, ownRecord: Bool) -> ScopeSet {
        switch event {
        case .created, .disabled, .enabled: [.adminWrite]
        case .updated, .passwordChanged: ownRecord ? [.userWrite] : [.adminWrite]
        case .scopeGranted, .scopeRevoked: [.scopeGrant]
        }
    }

    private func judge(actor: String, subject: Int?, event: EmployeeEvent?) -> Violation.Reason? {
        if actor == Self.systemPrincipal { return event == nil || subject == nil ? .unknownEventType : nil }
        guard let actorNumber = Self.employeeNumber(ofPrincipal: actor) else { return .unidentifiedActor }
        guard let event, let subject else { return .unknownEventType }
        guard let holder = holders[actorNumber] else { return .unknownActor }
        if holder.disabled { return .actorDisabled }
        let required = Self.requiredScopes(for: event, ownRecord: actorNumber == subject)
        guard holder.scopes.satisfies(required) else {
            let held = holder.scopes.closure
            return .missingScopes(ScopeSet(required.scopes.filter { !held.contains($0) }))
        }
        if Self.changesWhoCanAct(event, ownRecord: actorNumber == subject) {
            let subjectScopes = holders[subject]?.scopes ?? .empty
            let beyond = subjectScopes.scopes.filter { !holder.scopes.satisfies($0) }
            if !beyond.isEmpty { return .subjectHoldsMore(ScopeSet(beyond)) }
        }
        return nil
    }

    /// Whether `event` changes who can act as the subject's account, so that its actor must hold every scope the
    /// subject holds. One's own password change is proven by the current password instead.
    static func changesWhoCanAct(_ event: EmployeeEvent, ownRecord: Bool) -> Bool {
        switch event {
        case .disabled, .enabled, .scopeRevoked: true
        case .passwordChanged: !ownRecord
        case .created, .updated, .scopeGranted: false
        }
    }

    private mutating func apply(_ event: EmployeeEvent, to subject: Int) {
        var holder = holders[subject] ?? Holder()
        switch event {
        case .created: holder = Holder()
        case .scopeGranted(let granted):
            if let scope = Scope(rawValue: granted.scope) { holder.scopes = holder.scopes.union([scope]) }
        case .scopeRevoked(let revoked):
            if let scope = Scope(rawValue: revoked.scope) {
                holder.scopes = ScopeSet(holder.scopes.scopes.filter { $0 != scope })
            }
        case .disabled: holder.disabled = true
        case .enabled: holder.disabled = false
        case .updated, .passwordChanged: return
        }
        holders[subject] = holder
    }

    /// `employee:10001` → 10001; nil for anything else.
    static func employeeNumber(ofPrincipal principal: String) -> Int? {
        guard principal.hasPrefix("employee:") else { return nil }
        let digits = principal.dropFirst("employee:".count)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let number = Int(digits),
            EmployeeNumber(number) != nil
        else { return nil }
        return number
    }
}

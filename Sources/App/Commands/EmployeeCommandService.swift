import Employees
import EventStore
import Foundation
import Postgres

/// Who is acting, recorded on every event the command appends. Never holds a secret.
struct Actor: Sendable, Hashable {
    /// `employee:<emp_no>` for a person, `system` for the command line.
    let principal: String
    /// The scopes the actor held when the command was authorized.
    let scopes: [String]
    let requestID: String?
    let idempotencyKey: String?

    static func system(requestID: String? = nil) -> Actor {
        Actor(principal: "system", scopes: ["super:*"], requestID: requestID, idempotencyKey: nil)
    }

    var metadata: JSONValue {
        var members: [String: JSONValue] = [
            "principal": .string(principal), "scopes": .array(scopes.sorted().map(JSONValue.string)),
        ]
        if let requestID { members["request_id"] = .string(requestID) }
        if let idempotencyKey { members["idempotency_key"] = .string(idempotencyKey) }
        return .object(members)
    }
}

/// Why a command did not take effect. Mapped to an HTTP status in one place (the API's error mapping).
enum CommandError: Error, Sendable {
    case invalid(ValidationErrors)
    case notFound
    case alreadyExists
    /// The email is taken by another employee.
    case emailTaken
    /// `If-Match` named a version the employee is no longer at.
    case versionMismatch(current: Int)
    /// Others kept changing the employee while we retried.
    case contention
    /// The command changes who can act as an account holding these scopes, which the caller does not hold
    /// (after implication): a weaker administrator may not take over or lock out a stronger account.
    case targetHoldsMore(missing: [String])
    case unavailable
}

/// What a successful command left behind.
struct CommandOutcome: Sendable {
    let empNo: EmployeeNumber
    let events: [RecordedEvent]
    let state: EmployeeState
    /// The stream's version after the command (its `ETag`).
    let version: Int
    /// When the stream's first and latest events were recorded (nil for a stream that still has none).
    let createdAt: Date?
    let updatedAt: Date?
}

/// A stream folded into the domain's state.
struct LoadedStream: Sendable {
    let state: EmployeeState
    let version: Int
    let createdAt: Date?
    let updatedAt: Date?
}

/// The write path: load the stream, let the domain decide, append through the batching appender, retry on a race.
struct EmployeeCommandService: Sendable {
    let pool: PostgresPool
    let appender: BatchingAppender
    let today: @Sendable () -> CalendarDate
    /// Stream loads of concurrent commands, coalesced into one query per batch.
    private let streams: PostgresBatchedLookup<StreamID, [RecordedEvent]>

    init(pool: PostgresPool, appender: BatchingAppender, today: @escaping @Sendable () -> CalendarDate) {
        self.pool = pool
        self.appender = appender
        self.today = today
        streams = PostgresBatchedLookup(pool: pool) { connection, ids in try EventReader.streams(ids, on: connection) }
    }

    private static let maximumAttempts = 5

    /// How the commands' stream loads were batched.
    var streamLoadStatistics: PostgresBatchedLookup<StreamID, [RecordedEvent]>.Statistics { streams.statistics }

    /// A check of the loaded state that must hold for the command to go on. It runs on every attempt, against the
    /// very version the append then expects, so a concurrent change (say, a scope granted to the target) either is
    /// seen by the check or makes the append fail and the check run again.
    typealias Precondition = @Sendable (EmployeeState) throws(CommandError) -> Void

    /// Runs `command` against employee `empNo`. With `expectedVersion` (from `If-Match`) a concurrent change is a
    /// `versionMismatch`; without it, the command is decided again on the fresh state.
    func execute(
        _ command: EmployeeCommand, on empNo: EmployeeNumber, by actor: Actor, expectedVersion: Int? = nil,
        passwordHash: String? = nil, precondition: Precondition? = nil
    ) async throws(CommandError) -> CommandOutcome {
        let stream = EmployeeEventCodec.streamID(empNo)
        let command = TextNormalization.normalized(command)
        for _ in 0..<Self.maximumAttempts {
            let loaded = try await load(stream)
            let (state, version) = (loaded.state, loaded.version)
            if let expectedVersion, expectedVersion != version { throw .versionMismatch(current: version) }
            if let precondition, state.employee != nil { try precondition(state) }
            let events: [EmployeeEvent]
            do {
                events = try decide(state, command, today: today())
            } catch {
                switch error {
                case .invalid(let errors): throw .invalid(errors)
                case .notFound: throw .notFound
                case .alreadyExists: throw .alreadyExists
                }
            }
            guard !events.isEmpty else {
                return CommandOutcome(
                    empNo: empNo, events: [], state: state, version: version, createdAt: loaded.createdAt,
                    updatedAt: loaded.updatedAt)
            }
            var attachments: [String: String] = [:]
            if let passwordHash { attachments[EmployeeProjection.passwordHashAttachment] = passwordHash }
            let request = AppendRequest(
                stream: stream, expectedVersion: version == 0 ? .noStream : .exactly(version),
                events: events.map { EmployeeEventCodec.newEvent($0) }, metadata: actor.metadata, attachments: attachments)
            do {
                let result = try await appender.append(request)
                let newState = events.reduce(state, evolve)
                return CommandOutcome(
                    empNo: empNo, events: result.events, state: newState, version: result.streamVersion,
                    createdAt: loaded.createdAt ?? result.events.first?.recordedAt,
                    updatedAt: result.events.last?.recordedAt ?? loaded.updatedAt)
            } catch {
                switch error {
                case .wrongExpectedVersion(_, _, let actual):
                    if expectedVersion != nil { throw .versionMismatch(current: actual) }
                    continue
                case .rejected(let rejection) where rejection.reason == "duplicate_email": throw .emailTaken
                case .rejected, .invalidRequest, .unavailable: throw .unavailable
                }
            }
        }
        throw .contention
    }

    /// Creates an employee under the next free employee number.
    func create(_ fields: EmployeeFields, passwordHash: String?, by actor: Actor) async throws(CommandError) -> CommandOutcome {
        let number: Int
        do {
            number = try await pool.withConnection { connection in
                try connection.query("SELECT nextval('employee_numbers')").first!.decode(Int.self, column: 0)
            }
        } catch {
            throw .unavailable
        }
        guard let empNo = EmployeeNumber(number) else { throw .unavailable }
        return try await execute(.create(empNo, fields, withPassword: passwordHash != nil), on: empNo, by: actor, passwordHash: passwordHash)
    }

    /// The employee's state folded from its stream, with the stream's version and the times of its first and latest
    /// events.
    func load(_ stream: StreamID) async throws(CommandError) -> LoadedStream {
        let recorded: [RecordedEvent]
        do {
            recorded = try await streams.load(stream) ?? []
        } catch {
            throw .unavailable
        }
        var events: [EmployeeEvent] = []
        events.reserveCapacity(recorded.count)
        for event in recorded {
            guard let decoded = try? EmployeeEventCodec.domainEvent(event) else { throw .unavailable }
            events.append(decoded)
        }
        return LoadedStream(
            state: EmployeeState(replaying: events), version: recorded.last?.streamVersion ?? 0,
            createdAt: recorded.first?.recordedAt, updatedAt: recorded.last?.recordedAt)
    }
}

import Employees
import EventStore
import Foundation
import Postgres

/// The write path: load the stream, let the domain decide, append through the batching appender, retry on a race.
public struct EmployeeCommandService: Sendable {
    public let pool: PostgresPool
    public let appender: BatchingAppender
    public let today: @Sendable () -> CalendarDate
    /// Stream loads of concurrent commands, coalesced into one query per batch.
    private let streams: PostgresBatchedLookup<StreamID, [RecordedEvent]>

    public init(pool: PostgresPool, appender: BatchingAppender, today: @escaping @Sendable () -> CalendarDate) {
        self.pool = pool
        self.appender = appender
        self.today = today
        streams = PostgresBatchedLookup(pool: pool) { connection, ids in try EventReader.streams(ids, on: connection) }
    }

    private static let maximumAttempts = 5

    /// How the commands' stream loads were batched.
    public var streamLoadStatistics: PostgresBatchedLookup<StreamID, [RecordedEvent]>.Statistics { streams.statistics }

    /// A check of the loaded state that must hold for the command to go on. It runs on every attempt, against the
    /// very version the append then expects, so a concurrent change (say, a scope granted to the target) either is
    /// seen by the check or makes the append fail and the check run again.
    public typealias Precondition = @Sendable (EmployeeState) throws(CommandError) -> Void

    /// Runs `command` against employee `empNo`. With `expectedVersion` (from `If-Match`) a concurrent change is a
    /// `versionMismatch`; without it, the command is decided again on the fresh state.
    public func execute(
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
                case .rejected(let rejection) where EmployeeRejection(rejection) == .emailTaken: throw .emailTaken
                case .rejected, .invalidRequest, .unavailable: throw .unavailable
                }
            }
        }
        throw .contention
    }

    /// Creates an employee under the next free employee number.
    public func create(_ fields: EmployeeFields, passwordHash: String?, by actor: Actor) async throws(CommandError)
        -> CommandOutcome
    {
        let number: Int
        do {
            number = try await EmployeeNumbers(pool: pool).next()
        } catch {
            throw .unavailable
        }
        guard let empNo = EmployeeNumber(number) else { throw .unavailable }
        return try await execute(
            .create(empNo, fields, withPassword: passwordHash != nil), on: empNo, by: actor, passwordHash: passwordHash)
    }

    /// The employee's state folded from its stream, with the stream's version and the times of its first and latest
    /// events.
    public func load(_ stream: StreamID) async throws(CommandError) -> LoadedStream {
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

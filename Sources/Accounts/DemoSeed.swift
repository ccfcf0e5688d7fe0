import Employees
import EventStore
import Foundation
import Postgres
import Records
import Security

/// `employees seed-demo`: the original system's demo state. Imports the sample employees (skipping those already
/// there, so it can run again), then ensures the original's demo users with their scopes and the password
/// `password`.
///
/// The sample goes straight to the batching appender, each row its own request expecting an empty stream, with many
/// requests in flight so the appender commits them in large batches; a stream that exists already is simply counted
/// as present. The demo users go through `EmployeeCommandService` (a handful of commands).
///
/// `password` breaks `PasswordPolicy` on purpose: the demo accounts are grandfathered by storing the seed's argon2id
/// hashes directly (they never pass through the policy), and only for these accounts. Real logins rehash them at
/// current parameters (`PasswordHasher.needsRehash`).
public struct DemoSeed {
    /// A demo account of the original system: who, the record to create if the sample lacks it, and its scopes.
    public struct DemoUser: Sendable {
        let empNo: Int
        let fields: EmployeeFields
        let scopes: [Scope]
        let passwordHash: String
    }

    /// What a run did, for the operator.
    public struct Report: Sendable, Equatable {
        var created = 0
        var alreadyPresent = 0
        /// Rows an inline projection refused (an email already used by another employee).
        var refused = 0
        var importSeconds = 0.0
        var demoUsersCreated = 0
        var demoPasswordsSet = 0
        var demoScopesGranted = 0
    }

    /// The seed's hash of `password` for the sample's rows (shared/data/README.md).
    public static let sampleHash = "$argon2id$v=19$m=16,t=2,p=1$cTJhazRqRWRHR3NYbEJ2Zg$z7pMnKzV0eU5eJkdq+hycQ"
    /// The seed's hash of `password` for its hand-made row 500222.
    public static let beHaiHash = "$argon2id$v=19$m=16,t=2,p=1$b2szcWQ4a0tlTkFydUdOaw$7LX7WCYbItEMEwvH3yUxPA"

    /// The original's demo users. 67000 and 262556 are not in the 10,000-row subset: 262556's record is the one
    /// the original's tests submit for it; 67000's dates and gender are placeholders (the full data set is not
    /// available here). 500222 is the seed's own hand-made row.
    public static let users: [DemoUser] = [
        DemoUser(
            empNo: 10005,
            fields: fields("Kyoichi", "Maliniak", "1955-01-21", "M", "1989-09-12", "kyoichi.maliniak.10005@gmail.com"),
            scopes: [.adminRead, .adminWrite], passwordHash: sampleHash),
        DemoUser(
            empNo: 67000,
            fields: fields("Weijing", "Showalter", "1960-06-15", "F", "1990-03-01", "weijing.showalter.67000@gmail.com"),
            scopes: [.adminRead], passwordHash: sampleHash),
        DemoUser(
            empNo: 10045,
            fields: fields("Moss", "Shanbhogue", "1957-08-14", "M", "1989-09-02", "moss.shanbhogue.10045@gmail.com"),
            scopes: [], passwordHash: sampleHash),
        DemoUser(
            empNo: 262556,
            fields: fields("Nidapan", "Samarati", "1953-04-03", "M", "1997-10-25", "nidapan.samarati.262556@gmail.com"),
            scopes: [.userRead], passwordHash: sampleHash),
        DemoUser(
            empNo: 500222, fields: fields("Be Hai", "Nguyen", "1978-12-09", "M", "2022-10-08", "behai_nguyen@hotmail.com"),
            scopes: [.userRead, .userWrite], passwordHash: beHaiHash),
        DemoUser(
            empNo: 10011, fields: fields("Mary", "Sluis", "1953-11-07", "F", "1990-01-22", "mary.sluis.10011@gmail.com"),
            scopes: [.superAll], passwordHash: sampleHash),
    ]

    private static func fields(
        _ first: String, _ last: String, _ birth: String, _ gender: String, _ hire: String, _ email: String
    ) -> EmployeeFields {
        EmployeeFields(firstName: first, lastName: last, birthDate: birth, gender: gender, hireDate: hire, email: email)
    }

    /// Appends in flight at once: enough to fill the appender's batches (512 requests each) while one commits.
    public static let appendsInFlight = 1024

    public let pool: PostgresPool
    public let appender: BatchingAppender
    public let commands: EmployeeCommandService

    public init(pool: PostgresPool, appender: BatchingAppender, today: @escaping @Sendable () -> CalendarDate) {
        self.pool = pool
        self.appender = appender
        commands = EmployeeCommandService(pool: pool, appender: appender, today: today)
    }

    /// Imports `sample`, ensures the demo users, and moves the employee number sequence past every number in use,
    /// so that employees created later never collide with imported ones.
    public func run(sample: [ImportedEmployee]) async throws -> Report {
        var report = try await importSample(sample)
        try await ensureDemoUsers(&report)
        try await EmployeeNumbers(pool: pool).skipPastHighestInUse()
        return report
    }

    public func importSample(_ sample: [ImportedEmployee]) async throws -> Report {
        let started = ContinuousClock.now
        let numbers = sample.map { Int32($0.empNo.value) }
        let existing = try await pool.withConnection { connection in
            Set(
                try connection.query("SELECT emp_no FROM employees WHERE emp_no = ANY(\(numbers))").map {
                    try $0.decode(Int.self, column: 0)
                })
        }
        var report = Report(alreadyPresent: existing.count)
        let missing = sample.filter { !existing.contains($0.empNo.value) }
        let today = commands.today()
        let metadata = Actor.system(requestID: "seed-demo").metadata
        let appender = appender
        try await withThrowingTaskGroup(of: AppendOutcome.self) { group in
            var remaining = missing.makeIterator()
            func startNext() throws {
                guard let row = remaining.next() else { return }
                let request = try Self.appendRequest(row, today: today, metadata: metadata)
                group.addTask { await Self.append(request, to: appender) }
            }
            for _ in 0..<Self.appendsInFlight { try startNext() }
            while let outcome = try await group.next() {
                switch outcome {
                case .created: report.created += 1
                case .alreadyPresent: report.alreadyPresent += 1
                case .refused: report.refused += 1
                case .failed(let error): throw error
                }
                try startNext()
            }
        }
        report.importSeconds = (ContinuousClock.now - started).seconds
        return report
    }

    private enum AppendOutcome: Sendable {
        case created, alreadyPresent, refused
        case failed(AppendError)
    }

    private static func appendRequest(_ row: ImportedEmployee, today: CalendarDate, metadata: JSONValue) throws -> AppendRequest {
        let events = try decide(.absent, row.createCommand, today: today)
        return AppendRequest(
            stream: EmployeeEventCodec.streamID(row.empNo), expectedVersion: .noStream,
            events: events.map { EmployeeEventCodec.newEvent($0) }, metadata: metadata)
    }

    private static func append(_ request: AppendRequest, to appender: BatchingAppender) async -> AppendOutcome {
        do {
            _ = try await appender.append(request)
            return .created
        } catch {
            switch error {
            case .wrongExpectedVersion: return .alreadyPresent
            case .rejected: return .refused
            case .invalidRequest, .unavailable: return .failed(error)
            }
        }
    }

    /// Creates missing demo users, sets the password of those that have none, and grants missing scopes. Nothing
    /// already in place is changed, so a second run appends nothing.
    public func ensureDemoUsers(_ report: inout Report) async throws {
        let actor = Actor.system(requestID: "seed-demo")
        for user in Self.users {
            guard let number = EmployeeNumber(user.empNo) else { continue }
            let state = try await commands.load(EmployeeEventCodec.streamID(number)).state
            if case .absent = state {
                _ = try await commands.execute(
                    .create(number, user.fields, withPassword: true), on: number, by: actor, passwordHash: user.passwordHash)
                report.demoUsersCreated += 1
            } else if try await CredentialStore(pool: pool).passwordHash(of: user.empNo) == nil {
                _ = try await commands.execute(.setPassword, on: number, by: actor, passwordHash: user.passwordHash)
                report.demoPasswordsSet += 1
            }
            for scope in user.scopes {
                let outcome = try await commands.execute(.grantScope(scope.rawValue), on: number, by: actor)
                report.demoScopesGranted += outcome.events.count
            }
        }
    }

    /// The sample file: `explicit` (`--sample`) if given, else `../shared/data/employees.csv` (or
    /// `shared/data/employees.csv`) from the working directory or from any folder above the executable.
    public static func locateSample(explicit: String?) throws(DemoSeedError) -> String {
        if let explicit, !explicit.isEmpty {
            guard FileManager.default.isReadableFile(atPath: explicit) else { throw .sampleNotFound([explicit]) }
            return explicit
        }
        let relative = ["../shared/data/employees.csv", "shared/data/employees.csv"]
        var folders = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            folders.append(folder)
            folder = folder.deletingLastPathComponent()
        }
        let candidates = folders.flatMap { folder in relative.map { folder.appendingPathComponent($0).standardizedFileURL.path } }
        guard let found = candidates.first(where: FileManager.default.isReadableFile(atPath:)) else {
            throw .sampleNotFound(candidates)
        }
        return found
    }
}

extension DemoSeed.Report {
    public var text: String {
        """
        sample: \(created) employees imported, \(alreadyPresent) already present, \(refused) refused, \
        in \(String(format: "%.2f", importSeconds)) s
        demo users: \(demoUsersCreated) created, \(demoPasswordsSet) passwords set, \(demoScopesGranted) scopes granted
        """
    }
}

import Accounts
import App
import Crypto
import Dispatch
import Employees
import EventStore
import Foundation
import Glibc
import HTTP
import Postgres
import Records

/// The `employees` executable: parses the command line and runs one subcommand.
///
/// Exit status: 0 success, 1 the work failed (the message says why), 2 the command line was wrong.
public enum Entrypoint {
    public static func run(arguments: [String], environment: [String: String]) async -> Int32 {
        let request: CommandLineRequest
        do {
            request = try Subcommands.parser.parse(arguments, environment: environment)
        } catch {
            StandardError.write("employees: \(error.message)\nRun 'employees --help' for usage.")
            return 2
        }
        switch request {
        case .help(let text):
            print(text)
            return 0
        case .run(let invocation):
            do {
                return try await run(invocation, environment: environment)
            } catch let error as UsageError {
                StandardError.write("employees: \(error.message)\nRun 'employees \(invocation.subcommand) --help' for usage.")
                return 2
            } catch let error as TLSConfigurationError {
                StandardError.write("employees: \(error.description)")
                return 2
            } catch let error as TrustedProxiesSettingError {
                StandardError.write("employees: \(error.description)")
                return 2
            } catch {
                StandardError.write("employees: \(invocation.subcommand) failed: \(describe(error))")
                return 1
            }
        }
    }

    private static func run(_ invocation: ParsedInvocation, environment: [String: String]) async throws -> Int32 {
        if let status = try await DataSubcommands.run(invocation, environment: environment) { return status }
        if let status = try await EvidenceSubcommands.run(invocation, environment: environment) { return status }
        let configuration = try ServiceConfiguration(invocation)
        switch invocation.subcommand {
        case "serve":
            let stop = ShutdownSignals.stream()
            let service = try await EmployeeService.start(configuration)
            for await signal in stop {
                StandardError.write("received \(signal): shutting down")
                break
            }
            await service.shutdown()
            return 0
        case "migrate":
            let database = try DatabaseRuntime.open(configuration, log: StandardError.write)
            database.close()
            return 0
        case "verify-log":
            return try await withServices(configuration) { services in
                let report = try await ChainVerifier(pool: services.pool).verify()
                print(ChainReportText.render(report))
                let keys = try invocation.value("keys").map(EvidenceSubcommands.loadKeys)
                let checkpoints = try await CheckpointAudit(pool: services.pool).run(trustedKeys: keys)
                print(CheckpointReportText.render(checkpoints))
                let intact = report.isIntact && checkpoints.isConsistent
                guard invocation.flag("authority") else { return intact ? 0 : 1 }
                let authority = try await AuthorityAudit(reader: EventReader(pool: services.pool)).report()
                print(authority.text)
                return intact && authority.isIntact ? 0 : 1
            }
        case "rebuild-projections":
            return try await withServices(configuration) { services in
                let started = ContinuousClock.now
                let events = try await ProjectionRebuild(pool: services.pool, projections: services.projections).run()
                try services.database.refreshStatistics()
                let seconds = (ContinuousClock.now - started).seconds
                print("rebuilt projections from \(events) events in \(String(format: "%.2f", seconds)) s")
                return 0
            }
        case "seed-demo":
            return try await withServices(configuration) { services in
                let path = try DemoSeed.locateSample(explicit: invocation.value("sample"))
                let sample = try EmployeeCSVReader.readAll(path: path, today: CalendarDate.todayUTC())
                let seed = DemoSeed(pool: services.pool, appender: services.appender, today: { CalendarDate.todayUTC() })
                print(try await seed.run(sample: sample).text)
                return 0
            }
        default:
            throw UsageError("'\(invocation.subcommand)' is not available in this build")
        }
    }

    /// Opens the database and the write path, runs `body`, and always closes what it opened.
    static func withServices(
        _ configuration: ServiceConfiguration, _ body: (CommandLineServices) async throws -> Int32
    ) async throws -> Int32 {
        let database = try DatabaseRuntime.open(configuration, log: StandardError.write)
        let services = CommandLineServices(database: database)
        do {
            let status = try await body(services)
            await services.pool.shutdown()
            database.close()
            return status
        } catch {
            await services.pool.shutdown()
            database.close()
            throw error
        }
    }

    /// A message for the operator: our own errors describe themselves without secrets; others get their type only.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as any CustomStringConvertible: error.description
        default: String(describing: type(of: error))
        }
    }
}

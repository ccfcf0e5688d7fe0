import Accounts
import App
import Employees
import EventStore
import Foundation
import Glibc
import Records
import Security

/// The subcommands that put data into the log: `import`, `generate` (the synthetic rows as CSV, for comparisons
/// with `COPY`) and `create-admin`.
enum DataSubcommands {
    static let defaultSeed = "42"

    static let synthetic = OptionSpec(
        "synthetic", kind: .value(placeholder: "N"),
        help: "generate N employees learned from the sample instead of reading a file")
    static let seed = OptionSpec(
        "seed", kind: .value(placeholder: "S"), default: defaultSeed, help: "seed of the synthetic rows (same seed, same rows)")
    static let sample = OptionSpec(
        "sample", kind: .value(placeholder: "PATH"),
        help: "the sample CSV to learn from (default: ../shared/data/employees.csv or shared/data/employees.csv)")
    static let firstEmployeeNumber = OptionSpec(
        "first-emp-no", kind: .value(placeholder: "N"), default: "10001", help: "emp_no of the first synthetic row")

    static let specs: [SubcommandSpec] = [
        SubcommandSpec(
            name: "import",
            summary: "import employees from FILE.csv (or --synthetic N) as events through the bulk path, as actor system",
            options: Subcommands.database + [synthetic, seed, sample, firstEmployeeNumber], positionals: ["FILE.csv"],
            optionalPositionals: true),
        SubcommandSpec(
            name: "generate", summary: "write the synthetic employees of --synthetic N [--seed S] as CSV to standard output",
            options: [synthetic, seed, sample, firstEmployeeNumber]),
        SubcommandSpec(
            name: "create-admin",
            summary: "create an employee with every scope; the password comes from --password-stdin (one line) "
                + "or EMPLOYEES_ADMIN_PASSWORD",
            options: Subcommands.database + [
                OptionSpec("email", kind: .value(placeholder: "E"), help: "email address (the login name)"),
                OptionSpec("first-name", kind: .value(placeholder: "F"), help: "first name"),
                OptionSpec("last-name", kind: .value(placeholder: "L"), help: "last name"),
                OptionSpec("birth-date", kind: .value(placeholder: "D"), help: "birth date, yyyy-mm-dd"),
                OptionSpec("hire-date", kind: .value(placeholder: "D"), help: "hire date, yyyy-mm-dd"),
                OptionSpec("gender", kind: .value(placeholder: "G"), help: "M or F"),
                OptionSpec("password-stdin", kind: .flag, help: "read the password from the first line of standard input"),
            ]),
    ]

    /// Runs the subcommand if it is one of these; nil otherwise.
    static func run(_ invocation: ParsedInvocation, environment: [String: String]) async throws -> Int32? {
        switch invocation.subcommand {
        case "import": try await importEmployees(invocation)
        case "generate": try generate(invocation)
        case "create-admin": try await createAdmin(invocation, environment: environment)
        default: nil
        }
    }

    // MARK: - import

    private static func importEmployees(_ invocation: ParsedInvocation) async throws -> Int32 {
        let today = CalendarDate.todayUTC()
        var source: ImportSource
        switch (invocation.positionals.first, invocation.value("synthetic")) {
        case (let path?, nil):
            guard FileManager.default.isReadableFile(atPath: path) else { throw UsageError("cannot read '\(path)'") }
            source = .csv(try EmployeeCSVReader(path: path, today: today))
        case (nil, .some):
            source = .synthetic(try syntheticEmployees(invocation, today: today).makeIterator(), nextLine: 2)
        case (.some, .some): throw UsageError("give either FILE.csv or --synthetic N, not both")
        case (nil, nil): throw UsageError("'import' needs FILE.csv or --synthetic N")
        }
        let configuration = try ServiceConfiguration(invocation)
        return try await Entrypoint.withServices(configuration) { services in
            let showsProgress = isatty(STDERR_FILENO) == 1
            let importer = EmployeeImport(pool: services.pool, projections: services.projections, today: today)
            let summary: ImportSummary
            do {
                summary = try await importer.run(&source) { running in
                    guard showsProgress else { return }
                    let rate = Int(running.eventsPerSecond.rounded())
                    FileHandle.standardError.write(
                        Data("\r\(running.importedEmployees) employees, \(running.events) events, \(rate) events/s   ".utf8))
                }
            } catch let failure as ImportFailed {
                if showsProgress { StandardError.write("") }
                print(failure.summary.render())
                throw failure
            }
            if showsProgress { StandardError.write("") }
            try services.database.refreshStatistics()
            print(summary.render())
            return 0
        }
    }

    // MARK: - generate

    private static func generate(_ invocation: ParsedInvocation) throws -> Int32 {
        guard invocation.value("synthetic") != nil else { throw UsageError("'generate' needs --synthetic N") }
        let employees = try syntheticEmployees(invocation, today: CalendarDate.todayUTC())
        var buffer = "emp_no,birth_date,first_name,last_name,gender,hire_date,email\n"
        buffer.reserveCapacity(1 << 20)
        for employee in employees {
            let profile = employee.profile
            buffer += "\(employee.empNo.value),\(profile.birthDate.iso),\(profile.firstName.value),"
            buffer += "\(profile.lastName.value),\(profile.gender.rawValue),\(profile.hireDate.iso),\(profile.email.value)\n"
            if buffer.utf8.count >= 1 << 20 {
                FileHandle.standardOutput.write(Data(buffer.utf8))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        FileHandle.standardOutput.write(Data(buffer.utf8))
        return 0
    }

    /// The rows `--synthetic N --seed S --first-emp-no F` stand for, learned from the sample file.
    private static func syntheticEmployees(_ invocation: ParsedInvocation, today: CalendarDate) throws -> SyntheticEmployees {
        let countText = invocation.value("synthetic") ?? ""
        guard let count = Int(countText), count > 0 else {
            throw UsageError("--synthetic must be a positive number, not '\(countText)'")
        }
        let seedText = invocation.value("seed") ?? defaultSeed
        guard let seed = UInt64(seedText) else { throw UsageError("--seed must be a number from 0 to 2^64-1, not '\(seedText)'") }
        let firstText = invocation.value("first-emp-no") ?? "10001"
        guard let firstNumber = Int(firstText), let first = EmployeeNumber(firstNumber) else {
            throw UsageError("--first-emp-no must be an employee number, not '\(firstText)'")
        }
        let samplePath = try locateSample(invocation.value("sample"))
        let sample = EmployeeSample(learningFrom: try EmployeeCSVReader.readAll(path: samplePath, today: today))
        do {
            return try SyntheticEmployees(count: count, seed: seed, firstEmployeeNumber: first, sample: sample, today: today)
        } catch {
            throw UsageError("cannot generate \(count) employees from \(samplePath) starting at \(firstNumber): \(error)")
        }
    }

    private static func locateSample(_ explicit: String?) throws(UsageError) -> String {
        if let explicit {
            guard FileManager.default.isReadableFile(atPath: explicit) else {
                throw UsageError("cannot read the sample '\(explicit)'")
            }
            return explicit
        }
        let candidates = ["../shared/data/employees.csv", "shared/data/employees.csv"]
        guard let found = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0) }) else {
            throw UsageError("no sample found (looked for \(candidates.joined(separator: ", "))); pass --sample PATH")
        }
        return found
    }

    // MARK: - create-admin

    private static func createAdmin(_ invocation: ParsedInvocation, environment: [String: String]) async throws -> Int32 {
        var fields = EmployeeFields()
        for (name, keyPath) in [
            ("email", \EmployeeFields.email), ("first-name", \.firstName), ("last-name", \.lastName),
            ("birth-date", \.birthDate), ("hire-date", \.hireDate), ("gender", \.gender),
        ] as [(String, WritableKeyPath<EmployeeFields, String?>)] {
            guard let value = invocation.value(name) else { throw UsageError("'create-admin' needs --\(name)") }
            fields[keyPath: keyPath] = value
        }
        let password: String
        if invocation.flag("password-stdin") {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw UsageError("--password-stdin: standard input has no password line")
            }
            password = line
        } else if let fromEnvironment = environment["EMPLOYEES_ADMIN_PASSWORD"], !fromEnvironment.isEmpty {
            password = fromEnvironment
        } else {
            throw UsageError("no password: use --password-stdin or set EMPLOYEES_ADMIN_PASSWORD")
        }
        let configuration = try ServiceConfiguration(invocation)
        return try await Entrypoint.withServices(configuration) { services in
            let commands = EmployeeCommandService(
                pool: services.pool, appender: services.appender, today: { CalendarDate.todayUTC() })
            do {
                let outcome = try await AdminAccount(commands: commands, hasher: PasswordHasher()).create(
                    fields, password: password)
                print(
                    "created administrator emp_no \(outcome.empNo.value) with scopes: \(Scope.allCases.map(\.rawValue).joined(separator: " "))"
                )
                return 0
            } catch let error as AdminAccountError {
                if error.isUsageMistake { throw UsageError(error.description) }
                StandardError.write("employees: create-admin refused: \(error)")
                return 1
            }
        }
    }
}

import XCTest

@testable import App
@testable import EmployeesCLI

final class CommandLineTests: XCTestCase {
    private let parser = Subcommands.parser

    private func invocation(_ arguments: [String], environment: [String: String] = [:]) throws -> ParsedInvocation {
        guard case .run(let invocation) = try parser.parse(arguments, environment: environment) else {
            XCTFail("expected a runnable invocation for \(arguments)")
            throw UsageError("not runnable")
        }
        return invocation
    }

    private func usageError(_ arguments: [String]) -> String? {
        do {
            _ = try parser.parse(arguments, environment: [:])
            return nil
        } catch {
            return error.message
        }
    }

    func testDefaultsApplyWhenNothingIsGiven() throws {
        let configuration = try ServiceConfiguration(invocation(["serve"]))
        XCTAssertEqual(configuration.host, "127.0.0.1")
        XCTAssertEqual(configuration.port, 8080)
        XCTAssertEqual(configuration.dataDirectory, ".data")
        XCTAssertNil(configuration.databaseURL)
    }

    func testFlagsWinOverEnvironmentAndEnvironmentOverDefaults() throws {
        let environment = ["PORT": "9000", "HOST": "::1", "DATABASE_URL": "postgresql://db/x", "EMPLOYEES_DATA_DIR": "/srv"]
        let fromEnvironment = try ServiceConfiguration(invocation(["serve"], environment: environment))
        XCTAssertEqual(fromEnvironment.port, 9000)
        XCTAssertEqual(fromEnvironment.host, "::1")
        XCTAssertEqual(fromEnvironment.databaseURL, "postgresql://db/x")
        XCTAssertEqual(fromEnvironment.dataDirectory, "/srv")
        let fromFlags = try ServiceConfiguration(
            invocation(["serve", "--port=9100", "--host", "0.0.0.0"], environment: environment))
        XCTAssertEqual(fromFlags.port, 9100)
        XCTAssertEqual(fromFlags.host, "0.0.0.0")
    }

    func testMistakesAreUsageErrors() throws {
        XCTAssertEqual(usageError(["serve", "--prot", "1"]), "unknown option '--prot' for 'serve'")
        XCTAssertEqual(usageError(["serve", "--port"]), "option '--port' needs a value")
        XCTAssertEqual(usageError(["serve", "--port", "1", "--port", "2"]), "option '--port' given more than once")
        XCTAssertEqual(usageError(["serve", "extra"]), "unexpected argument 'extra' for 'serve'")
        XCTAssertEqual(usageError(["migrate", "--host", "x"]), "unknown option '--host' for 'migrate'")
        XCTAssertTrue(usageError(["frobnicate"])?.hasPrefix("unknown subcommand 'frobnicate'") == true)
        XCTAssertTrue(usageError([])?.hasPrefix("missing subcommand") == true)
        for bad in ["-1", "65536", "80a", ""] {
            XCTAssertThrowsError(try ServiceConfiguration(invocation(["serve", "--port", bad])), "port \(bad)")
        }
    }

    func testHelpIsAvailableForEverySubcommand() throws {
        guard case .help(let overview) = try parser.parse(["--help"], environment: [:]) else { return XCTFail("no overview") }
        for spec in Subcommands.all {
            XCTAssertTrue(overview.contains(spec.name))
            guard case .help(let usage) = try parser.parse([spec.name, "--help"], environment: [:]) else {
                return XCTFail("no help for \(spec.name)")
            }
            XCTAssertTrue(usage.hasPrefix("usage: employees \(spec.name)"))
            for option in spec.options { XCTAssertTrue(usage.contains("--\(option.name)"), "\(spec.name) --\(option.name)") }
        }
    }
}

import XCTest

@testable import App
@testable import EmployeesCLI

/// `--read-database-url` (repeatable, or `DATABASE_READ_URLS` comma-separated) and `--embedded-replicas`.
final class ReadReplicaOptionsTests: XCTestCase {
    private func configuration(_ arguments: [String], environment: [String: String] = [:]) throws -> ServiceConfiguration {
        guard case .run(let invocation) = try Subcommands.parser.parse(arguments, environment: environment) else {
            throw UsageError("not runnable")
        }
        return try ServiceConfiguration(invocation)
    }

    func testReadURLsRepeatOrComeCommaSeparatedFromTheEnvironment() throws {
        XCTAssertEqual(try configuration(["serve"]).readDatabaseURLs, [], "no standby: every read on the primary")
        let flags = try configuration([
            "serve", "--read-database-url", "postgresql://a/db", "--read-database-url=postgresql://b/db",
        ])
        XCTAssertEqual(flags.readDatabaseURLs, ["postgresql://a/db", "postgresql://b/db"])
        let environment = ["DATABASE_READ_URLS": " postgresql://c/db , postgresql://d/db,"]
        XCTAssertEqual(
            try configuration(["serve"], environment: environment).readDatabaseURLs, ["postgresql://c/db", "postgresql://d/db"])
        XCTAssertEqual(
            try configuration(["serve", "--read-database-url", "postgresql://a/db"], environment: environment).readDatabaseURLs,
            ["postgresql://a/db"], "flags win over the environment")
        XCTAssertThrowsError(try configuration(["serve", "--read-database-url"]))
    }

    func testEmbeddedReplicasAreCountedAndNeedTheEmbeddedCluster() throws {
        XCTAssertEqual(try configuration(["serve"]).embeddedReplicas, 0)
        XCTAssertEqual(try configuration(["serve", "--embedded-replicas", "1"]).embeddedReplicas, 1)
        XCTAssertThrowsError(try configuration(["serve", "--embedded-replicas", "4"])) { error in
            XCTAssertEqual((error as? UsageError)?.message, "--embedded-replicas must be a number from 0 to 3, not '4'")
        }
        XCTAssertThrowsError(try configuration(["serve", "--embedded-replicas", "1", "--database-url", "postgresql://x/db"]))
        XCTAssertTrue(Subcommands.parser.subcommands.first { $0.name == "serve" }!.usage.contains("--read-database-url URL…"))
    }
}

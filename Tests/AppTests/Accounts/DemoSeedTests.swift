import Foundation
import XCTest

@testable import Accounts
@testable import App
@testable import EmployeesCLI

/// Where `seed-demo` finds its sample, and its command line. The seeding itself runs in `CompatibilityRoutesTests`.
final class DemoSeedTests: XCTestCase {
    func testAnExplicitSampleMustExist() throws {
        let missing = "/nonexistent/\(UUID().uuidString).csv"
        XCTAssertThrowsError(try DemoSeed.locateSample(explicit: missing)) { error in
            guard case .sampleNotFound(let paths) = error as? DemoSeedError else { return XCTFail("\(error)") }
            XCTAssertEqual(paths, [missing])
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sample-\(UUID().uuidString).csv")
        try Data("emp_no\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        XCTAssertEqual(try DemoSeed.locateSample(explicit: file.path), file.path)
    }

    func testTheSharedSampleIsFoundFromTheWorkingDirectory() throws {
        let expected = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent("../shared/data/employees.csv").standardizedFileURL.path
        try XCTSkipUnless(FileManager.default.isReadableFile(atPath: expected), "no shared sample next to this checkout")
        XCTAssertEqual(try DemoSeed.locateSample(explicit: nil), expected)
    }

    func testSeedDemoTakesTheDatabaseOptionsAndASamplePath() throws {
        guard case .run(let invocation) = try Subcommands.parser.parse(["seed-demo", "--sample", "/tmp/x.csv"], environment: [:])
        else {
            return XCTFail("seed-demo is not runnable")
        }
        XCTAssertEqual(invocation.value("sample"), "/tmp/x.csv")
        XCTAssertEqual(try ServiceConfiguration(invocation).dataDirectory, ".data")
    }
}

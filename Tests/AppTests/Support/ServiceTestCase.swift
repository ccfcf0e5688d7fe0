import TestSupport
import XCTest

/// A test case with a running service of its own for each test: started over a fresh database in `setUp`, stopped
/// in `tearDown`.
class ServiceTestCase: XCTestCase {
    var harness: ServiceHarness!

    var client: HTTPTestClient { harness.client }

    override func setUp() async throws {
        try await super.setUp()
        harness = try await ServiceHarness.start()
    }

    override func tearDown() async throws {
        await harness?.stop()
        try await super.tearDown()
    }
}

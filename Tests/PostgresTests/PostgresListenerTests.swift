import Foundation
import Postgres
import TestSupport
import XCTest

/// Uses a cluster of its own: it restarts the server.
final class PostgresListenerTests: XCTestCase {
    func testNotificationsArriveAndTheListenerRecoversAfterARestart() async throws {
        let cluster = try TestCluster.makeSeparateCluster()
        let configuration = try cluster.start()
        let listener = PostgresListener(
            configuration: configuration, channels: ["events", "Odd \"Channel\""],
            initialReconnectDelay: .milliseconds(50), maximumReconnectDelay: .milliseconds(400))
        let received = Locked<[PostgresListener.Event]>([])
        let consumer = Task {
            for await event in listener.events { received.withLock { $0.append(event) } }
        }

        let listening = await eventually { received.value.first == .listening }
        XCTAssertTrue(listening)
        try PostgresConnection.connect(to: configuration).execute(
            "SELECT pg_notify(\("events"), \("first")), pg_notify(\("Odd \"Channel\""), \("odd")), pg_notify(\("other"), \("ignored"))"
        )
        let delivered = await eventually { self.payloads(received.value).count == 2 }
        XCTAssertTrue(delivered)
        XCTAssertEqual(payloads(received.value), ["events: first", "Odd \"Channel\": odd"])

        try cluster.stop()
        try cluster.start()
        let reconnected = await eventually { received.value.contains(.reconnected) }
        XCTAssertTrue(reconnected)
        try PostgresConnection.connect(to: configuration).execute("NOTIFY events, 'after restart'")
        let deliveredAgain = await eventually { self.payloads(received.value).last == "events: after restart" }
        XCTAssertTrue(deliveredAgain)

        listener.stop()
        await consumer.value
        try cluster.stop()
    }

    private func payloads(_ events: [PostgresListener.Event]) -> [String] {
        events.compactMap { event in
            guard case .notification(let notification) = event else { return nil }
            return "\(notification.channel): \(notification.payload)"
        }
    }
}

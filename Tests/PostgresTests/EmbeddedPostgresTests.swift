import Foundation
import Postgres
import TestSupport
import XCTest

/// Uses a cluster of its own: it stops and kills its server.
final class EmbeddedPostgresTests: XCTestCase {
    func testCreateReuseKillRecoverAndNoTCP() throws {
        let cluster = try TestCluster.makeSeparateCluster()
        let versionFile = cluster.folder + "/data/PG_VERSION"
        XCTAssertFalse(FileManager.default.fileExists(atPath: versionFile))

        let configuration = try cluster.start()
        XCTAssertTrue(FileManager.default.fileExists(atPath: versionFile), "first start creates the cluster")
        XCTAssertEqual(configuration.endpoint, .unixSocket(directory: cluster.socketDirectory, port: 5432))
        XCTAssertEqual(try permissions(of: cluster.socketDirectory), 0o700)
        try withConnection(configuration) { connection in
            XCTAssertEqual(try connection.query("SHOW listen_addresses")[0].decode(String.self, column: 0), "")
            XCTAssertEqual(try connection.query("SHOW server_encoding")[0].decode(String.self, column: 0), "UTF8")
            try connection.execute("CREATE TABLE marker (value int)")
            try connection.execute("INSERT INTO marker VALUES (42)")
        }
        let postmaster = try XCTUnwrap(cluster.postmasterProcessID)
        XCTAssertEqual(try listeningTCPSockets(of: postmaster), 0, "nothing may listen on TCP")
        XCTAssertEqual(try cluster.start(), configuration, "starting a running cluster changes nothing")
        XCTAssertEqual(cluster.postmasterProcessID, postmaster)

        try cluster.stop()
        XCTAssertNil(cluster.postmasterProcessID)
        XCTAssertThrowsError(try PostgresConnection.connect(to: configuration))

        try cluster.start()
        XCTAssertEqual(try markerValue(configuration), 42, "the second start reuses the cluster")

        let killed = try XCTUnwrap(cluster.postmasterProcessID)
        XCTAssertEqual(kill(killed, SIGKILL), 0)
        XCTAssertTrue(waitUntilGone(killed))
        XCTAssertEqual(cluster.postmasterProcessID, killed, "a stale postmaster.pid is left behind")
        try cluster.start()
        XCTAssertNotEqual(cluster.postmasterProcessID, killed)
        XCTAssertEqual(try markerValue(configuration), 42)

        let database = try cluster.createDatabase("made_by_helper")
        XCTAssertEqual(database.database, "made_by_helper")
        try withConnection(database) { connection in
            XCTAssertEqual(try connection.query("SELECT current_database()")[0].decode(String.self, column: 0), "made_by_helper")
        }
        try cluster.stop()
    }

    func testALongFolderPathMovesTheSocketToAShortDirectory() throws {
        let folder = "/tmp/" + String(repeating: "long-folder-name-", count: 7)
        let cluster = EmbeddedPostgres(folder: folder)
        XCTAssertTrue(cluster.socketDirectory.hasPrefix("/tmp/.pg-"))
        XCTAssertLessThanOrEqual((cluster.socketDirectory + "/.s.PGSQL.5432").utf8.count, 107)
        XCTAssertEqual(EmbeddedPostgres(folder: folder).socketDirectory, cluster.socketDirectory, "stable across runs")
        XCTAssertEqual(EmbeddedPostgres(folder: "/tmp/short").socketDirectory, "/tmp/short/socket")
    }

    private func withConnection(_ configuration: PostgresConfiguration, _ body: (PostgresConnection) throws -> Void) throws {
        try body(try PostgresConnection.connect(to: configuration))
    }

    private func markerValue(_ configuration: PostgresConfiguration) throws -> Int {
        try PostgresConnection.connect(to: configuration).query("SELECT value FROM marker")[0].decode(Int.self, column: 0)
    }

    private func permissions(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try XCTUnwrap(attributes[.posixPermissions] as? Int)
    }

    /// Counts the TCP sockets in LISTEN state (IPv4 and IPv6) that belong to the process.
    private func listeningTCPSockets(of pid: Int32) throws -> Int {
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
        let socketInodes = Set(
            descriptors.compactMap { descriptor -> String? in
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(descriptor)"),
                    target.hasPrefix("socket:[")
                else { return nil }
                return String(target.dropFirst("socket:[".count).dropLast())
            })
        XCTAssertFalse(socketInodes.isEmpty, "the postmaster should at least hold its Unix socket")
        var listening = 0
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9, fields[3] == "0A" else { continue }
                if socketInodes.contains(String(fields[9])) { listening += 1 }
            }
        }
        return listening
    }

    /// Waits until the killed process is gone or a zombie (nobody may reap it in a container).
    private func waitUntilGone(_ pid: Int32) -> Bool {
        for _ in 0..<200 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            if let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].contains(" Z ") { return true }
            usleep(25_000)
        }
        return false
    }
}

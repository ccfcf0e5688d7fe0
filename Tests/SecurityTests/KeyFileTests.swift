import Crypto
import Foundation
import Security
import XCTest

final class KeyFileTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "keys-" + Hex.encode(SecureRandom.bytes(count: 6))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func permissions(_ path: String) throws -> Int {
        try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    func testFirstRunGeneratesA0600KeyAndLaterRunsReloadIt() throws {
        let first = try JWTKeySet.loadOrCreateEd25519(directory: directory)
        let path = directory + "/" + JWTKeySet.activeKeyFileName
        XCTAssertEqual(try permissions(path), 0o600)
        XCTAssertEqual(try permissions(directory), 0o700)
        let second = try JWTKeySet.loadOrCreateEd25519(directory: directory)
        XCTAssertEqual(first.signingKey.id, second.signingKey.id)
        XCTAssertEqual(first.signingKey.algorithm, .edDSA)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory)
        XCTAssertEqual(leftovers, [JWTKeySet.activeKeyFileName])
    }

    func testRotationByMovingTheActiveKeyIntoRetired() throws {
        let before = try JWTKeySet.loadOrCreateEd25519(directory: directory)
        try FileManager.default.createDirectory(atPath: directory + "/retired", withIntermediateDirectories: false)
        try FileManager.default.moveItem(
            atPath: directory + "/" + JWTKeySet.activeKeyFileName, toPath: directory + "/retired/2024-01.pem")
        let after = try JWTKeySet.loadOrCreateEd25519(directory: directory)
        XCTAssertNotEqual(after.signingKey.id, before.signingKey.id)
        XCTAssertEqual(after.verificationKeys.map(\.id), [after.signingKey.id, before.signingKey.id])
        XCTAssertNotNil(after.verificationKey(id: before.signingKey.id))
    }

    func testGroupReadableKeyFileIsRefused() throws {
        _ = try JWTKeySet.loadOrCreateEd25519(directory: directory)
        let path = directory + "/" + JWTKeySet.activeKeyFileName
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        XCTAssertThrowsError(try JWTKeySet.loadOrCreateEd25519(directory: directory)) {
            XCTAssertEqual($0 as? KeyError, .insecurePermissions(path: path))
        }
    }

    func testGarbageKeyFileIsRefused() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        let path = directory + "/" + JWTKeySet.activeKeyFileName
        XCTAssertTrue(
            FileManager.default.createFile(atPath: path, contents: Data("not a key".utf8), attributes: [.posixPermissions: 0o600])
        )
        XCTAssertThrowsError(try JWTKeySet.loadOrCreateEd25519(directory: directory)) { error in
            guard case .unusableKeyFile(let reportedPath, _)? = error as? KeyError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(reportedPath, path)
        }
    }
}

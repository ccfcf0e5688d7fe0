// bench/auth's measuring tool. Subcommands:
//   verify [seconds]  access-token verifications per second on one thread (Ed25519 and HS256), alone and with the
//                     principal-table check the authentication middleware adds
//   hash              the price of one Argon2id hash at OWASP parameters and one yescrypt hash at libxcrypt's
//                     default cost, and of verifying each through PasswordHasher
//
// The login benchmark needs no code of its own: bench/auth seeds accounts with `employees create-admin` and runs
// `employees serve`.
import CXCrypt
import Crypto
import Dispatch
import Foundation
import Security

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

func measure(seconds: Double, _ body: () -> Void) -> (count: Int, seconds: Double) {
    let started = ContinuousClock.now
    var count = 0
    var elapsed = 0.0
    while elapsed < seconds {
        for _ in 0..<1000 { body() }
        count += 1000
        elapsed = (ContinuousClock.now - started).seconds
    }
    return (count, elapsed)
}

func milliseconds(of runs: Int, _ body: () -> Void) -> Double {
    body()
    let started = ContinuousClock.now
    for _ in 0..<runs { body() }
    return (ContinuousClock.now - started).seconds * 1000 / Double(runs)
}

func formatted(_ value: Double, _ digits: Int = 1) -> String {
    String(format: "%.\(digits)f", value)
}

func verifyBenchmark(seconds: Double) throws {
    let table = PrincipalTable()
    table.apply(
        PrincipalUpdate(
            empNo: 10001, change: .scopesSet([.userRead, .userWrite]), occurredAt: Date(timeIntervalSince1970: 0), position: 1))
    let keySets = [
        ("EdDSA (Ed25519)", JWTKeySet(signingKey: .ed25519(Ed25519PrivateKey()))),
        ("HS256", JWTKeySet(signingKey: .hs256(try HS256Secret(bytes: SecureRandom.bytes(count: 32))))),
    ]
    for (name, keys) in keySets {
        let token = try AccessTokenIssuer(keys: keys, issuer: "employees", audience: "employees-api")
            .issue(empNo: 10001, clientID: "bench", scopes: [.userRead, .userWrite]).token
        let verifier = AccessTokenVerifier(keys: keys, issuer: "employees", audience: "employees-api")
        guard (try? verifier.verify(token)) != nil else { fatalError("the benchmark token does not verify") }
        let alone = measure(seconds: seconds) { _ = try? verifier.verify(token) }
        let withTable = measure(seconds: seconds) {
            if let verified = try? verifier.verify(token) {
                _ = table.effectiveScopes(empNo: verified.empNo, tokenScopes: verified.scopes, issuedAt: verified.issuedAt)
            }
        }
        let perSecond = Double(alone.count) / alone.seconds
        print("token verification, \(name), one thread: \(Int(perSecond)) /s (\(formatted(1e6 / perSecond, 2)) µs each)")
        print("  with the principal-table check: \(Int(Double(withTable.count) / withTable.seconds)) /s")
    }
}

/// A yescrypt hash of `password` at libxcrypt's default cost, the cost the original system's rows were made with.
func yescryptHash(_ password: String) -> String {
    var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
    guard crypt_gensalt_rn("$y$", 0, nil, 0, &setting, Int32(setting.count)) != nil else { fatalError("crypt_gensalt_rn failed") }
    let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
    defer { data.deallocate() }
    UnsafeMutableRawPointer(data).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<crypt_data>.size)
    guard let result = crypt_rn(password, setting, data, Int32(MemoryLayout<crypt_data>.size)) else {
        fatalError("crypt_rn failed")
    }
    return String(cString: result)
}

func hashBenchmark() throws {
    let password = "violet tramway nineteen lanterns"
    let hasher = PasswordHasher()
    var argon2Hash = ""
    let argon2 = milliseconds(of: 10) { argon2Hash = (try? hasher.hash(password)) ?? "" }
    let argon2Verify = milliseconds(of: 10) { _ = hasher.verify(password, against: argon2Hash) }
    var yescrypt = ""
    let yescryptCost = milliseconds(of: 10) { yescrypt = yescryptHash(password) }
    let yescryptVerify = milliseconds(of: 10) { _ = hasher.verify(password, against: yescrypt) }
    let cost = yescrypt.split(separator: "$")[1]
    print("Argon2id m=19456 KiB t=2 p=1 (OWASP), one hash: \(formatted(argon2)) ms; verify: \(formatted(argon2Verify)) ms")
    print(
        "yescrypt $y$\(cost)$ (libxcrypt default cost), one hash: \(formatted(yescryptCost)) ms; verify: \(formatted(yescryptVerify)) ms"
    )
}

let arguments = CommandLine.arguments.dropFirst()
do {
    switch arguments.first {
    case "verify": try verifyBenchmark(seconds: arguments.dropFirst().first.flatMap(Double.init) ?? 2)
    case "hash": try hashBenchmark()
    default:
        FileHandle.standardError.write(Data("usage: AuthBench verify [seconds] | hash\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("AuthBench failed: \(error)\n".utf8))
    exit(1)
}

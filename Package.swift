// swift-tools-version:6.0
import PackageDescription

/// Layers, lowest first. An arrow only ever points down (docs/ARCHITECTURE.md draws the map):
/// employees → EmployeesCLI → App → {Console, Operations, Accounts, Records, OpenAPI, HTTP, Security, …};
/// Console → Operations → {Accounts, Records, HTTP, …}; Accounts → {Records, Security,
/// EventStore}; Records → {Employees, EventStore, Postgres, JSONText}; EventStore → {Postgres, Crypto, JSONText};
/// Security → {Crypto, JSONText}; HTTP → JSONText (and OpenSSL's libssl for TLS); Employees, Postgres → CivilTime. C libraries enter only through
/// the system-library targets and CShim.
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "employees",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "employees", targets: ["employees"])
    ],
    targets: [
        // C system libraries (Debian packages in parentheses).
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLibSSL", pkgConfig: "libssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
        .systemLibrary(name: "CXCrypt", pkgConfig: "libxcrypt", providers: [.apt(["libcrypt-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // What Glibc does not export to Swift: epoll, eventfd, accept4 and a few macros.
        .target(name: "CShim"),

        // Swift modules, one responsibility each.
        .target(name: "Crypto", dependencies: ["CLibCrypto"], swiftSettings: strict),
        .target(name: "JSONText", swiftSettings: strict),
        .target(name: "CivilTime", swiftSettings: strict),
        .target(name: "Postgres", dependencies: ["CLibPQ", "CivilTime"], swiftSettings: strict),
        .target(name: "HTTP", dependencies: ["CShim", "CLibSSL", "JSONText", "CZlib"], swiftSettings: strict),
        .target(name: "Security", dependencies: ["Crypto", "JSONText", "CArgon2", "CXCrypt"], swiftSettings: strict),
        .target(name: "Employees", dependencies: ["CivilTime"], swiftSettings: strict),
        .target(name: "EventStore", dependencies: ["Postgres", "Crypto", "JSONText", "CivilTime"], swiftSettings: strict),
        .target(
            name: "Records", dependencies: ["Employees", "EventStore", "Postgres", "Crypto", "JSONText", "CivilTime"],
            swiftSettings: strict),
        .target(
            name: "Accounts", dependencies: ["Records", "Employees", "EventStore", "Postgres", "Security", "Crypto"],
            swiftSettings: strict),
        .target(name: "OpenAPI", dependencies: ["Employees", "Security", "EventStore"], swiftSettings: strict),
        .target(
            name: "Operations",
            dependencies: [
                "Accounts", "Records", "HTTP", "Security", "Employees", "EventStore", "Postgres", "JSONText", "CivilTime",
            ],
            swiftSettings: strict),
        .target(
            name: "Console",
            dependencies: [
                "Operations", "Accounts", "Records", "HTTP", "Security", "Employees", "EventStore", "Postgres", "Crypto",
                "CivilTime",
            ],
            swiftSettings: strict),
        .target(
            name: "App",
            dependencies: [
                "Console", "Operations", "Accounts", "Records", "HTTP", "Security", "Employees", "EventStore", "Postgres",
                "Crypto", "JSONText", "CivilTime", "OpenAPI",
            ],
            swiftSettings: strict),
        .target(
            name: "EmployeesCLI",
            dependencies: [
                "App", "Accounts", "Records", "HTTP", "Security", "Employees", "EventStore", "Postgres", "Crypto",
            ],
            swiftSettings: strict),
        .executableTarget(name: "employees", dependencies: ["EmployeesCLI"], swiftSettings: strict),
        // bench/http: the smallest server of ours to measure against nginx.
        .executableTarget(
            name: "HTTPBenchServer", dependencies: ["HTTP"], path: "Benchmarks/HTTPBenchServer", swiftSettings: strict),
        // bench/fuzz-http: libFuzzer target for the HTTP parser (inert unless built by that script).
        .executableTarget(name: "HTTPFuzz", dependencies: ["HTTP"], path: "Benchmarks/HTTPFuzz", swiftSettings: strict),

        // bench/auth: token verification and password hashing costs.
        .executableTarget(
            name: "AuthBench", dependencies: ["Security", "Crypto", "CXCrypt"], path: "Benchmarks/AuthBench",
            swiftSettings: strict),
        // bench/appender: the batching appender against one transaction per append, on a cluster of its own.
        .executableTarget(
            name: "AppendBench", dependencies: ["EventStore", "Postgres"], path: "Benchmarks/AppendBench", swiftSettings: strict),

        // Shared test helpers: the throw-away PostgreSQL cluster of a test run, fresh databases, clients.
        .target(name: "TestSupport", dependencies: ["Postgres"], path: "Tests/TestSupport", swiftSettings: strict),

        .testTarget(name: "CryptoTests", dependencies: ["Crypto"], swiftSettings: strict),
        .testTarget(name: "JSONTextTests", dependencies: ["JSONText"], swiftSettings: strict),
        .testTarget(name: "CivilTimeTests", dependencies: ["CivilTime"], swiftSettings: strict),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "HTTPTests", dependencies: ["HTTP", "CShim", "CLibSSL"], resources: [.copy("Corpus")], swiftSettings: strict),
        .testTarget(name: "SecurityTests", dependencies: ["Security", "Crypto"], swiftSettings: strict),
        .testTarget(name: "EmployeesTests", dependencies: ["Employees"], swiftSettings: strict),
        .testTarget(name: "EventStoreTests", dependencies: ["EventStore", "Postgres", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "App", "Console", "Operations", "Accounts", "Records", "EmployeesCLI", "CivilTime", "OpenAPI", "Crypto",
                "Employees", "EventStore", "HTTP", "Postgres", "Security", "TestSupport",
            ], swiftSettings: strict),
    ]
)

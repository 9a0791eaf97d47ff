// swift-tools-version:6.0
// PlantSync: no package dependencies. The toolchain plus system C libraries (SQLite3, OpenSSL 3).
import PackageDescription

let package = Package(
    name: "plantsync",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "plantsync", targets: ["plantsync"])
    ],
    targets: [
        // System C libraries: module.modulemap + shim.h each.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),

        // Lower rooms: no imports of ours.
        .target(name: "PlantModel"),
        .target(name: "PlantConfig"),
        // Only PlantModel below them.
        .target(name: "PlantJournal", dependencies: ["PlantModel", "CSQLite"]),
        .target(name: "PlantNet", dependencies: ["PlantModel", "COpenSSL"]),
        // Agent side.
        .target(
            name: "PlantCapture", dependencies: ["PlantModel", "PlantConfig", "PlantNet"],
            exclude: ["Scanner/README.md", "TelemetryFeed/README.md", "FileDrop/README.md"]),
        .target(name: "PlantAggregate", dependencies: ["PlantModel", "PlantConfig"], exclude: ["README.md"]),
        .target(name: "PlantForward", dependencies: ["PlantModel", "PlantJournal", "PlantNet"]),
        .target(name: "PlantAgent", dependencies: [
            "PlantModel", "PlantConfig", "PlantJournal", "PlantNet", "PlantCapture", "PlantAggregate", "PlantForward",
        ]),
        // Central side.
        .target(name: "PlantHub", dependencies: ["PlantModel", "PlantConfig", "PlantJournal", "PlantNet"]),

        .executableTarget(name: "plantsync", dependencies: ["PlantAgent", "PlantHub", "PlantConfig", "PlantJournal"]),
        // Child processes for crash tests and benchmarks (kill -9 targets); not shipped in the .deb.
        .executableTarget(
            name: "plantsync-testkit",
            dependencies: [
                "PlantModel", "PlantJournal", "CSQLite", "PlantConfig", "PlantNet", "PlantCapture", "PlantAggregate",
            ]),

        .testTarget(name: "PlantModelTests", dependencies: ["PlantModel"]),
        .testTarget(name: "PlantConfigTests", dependencies: ["PlantConfig"]),
        .testTarget(name: "PlantJournalTests", dependencies: ["PlantJournal", "PlantModel"]),
        .testTarget(name: "PlantNetTests", dependencies: ["PlantNet"]),
        .testTarget(name: "PlantCaptureTests", dependencies: ["PlantCapture", "PlantModel", "PlantConfig"]),
        .testTarget(
            name: "PlantAggregateTests", dependencies: ["PlantAggregate", "PlantModel", "PlantConfig"], exclude: ["Fixtures"]),
        .testTarget(name: "PlantForwardTests", dependencies: ["PlantForward", "PlantJournal", "PlantModel", "PlantNet"]),
        // A real trytond for the Tryton tests of PlantHubTests and IntegrationTests (test support, not shipped).
        .target(name: "TrytonTestSupport", dependencies: ["PlantModel"], path: "Tests/TrytonTestSupport"),
        .testTarget(
            name: "PlantHubTests",
            dependencies: ["PlantHub", "PlantModel", "PlantNet", "PlantJournal", "PlantConfig", "TrytonTestSupport"]),
        .testTarget(
            name: "PlantAgentTests", dependencies: ["PlantAgent", "PlantModel", "PlantConfig", "PlantJournal", "PlantAggregate"]),
        // Runs the built `plantsync` and `plantsync-testkit` binaries as a user would.
        .testTarget(name: "IntegrationTests", dependencies: ["PlantJournal", "PlantModel", "TrytonTestSupport"]),
    ]
)

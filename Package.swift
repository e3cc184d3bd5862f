// swift-tools-version:6.0
// Handrail: a terminal runbook wizard for MFA recovery at the help desk.
// No third-party packages by design: Foundation, XCTest and the system
// libraries sqlite3 and ncursesw only.
import PackageDescription

let package = Package(
    name: "Handrail",
    products: [
        .executable(name: "handrail", targets: ["handrail"]),
    ],
    targets: [
        // System libraries (Debian: libsqlite3-dev, libncurses-dev).
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3"),
        .systemLibrary(name: "CNCursesW", path: "Sources/CNCursesW", pkgConfig: "ncursesw"),

        // The runbook language: JSON5 with source locations, the model, the checker.
        .target(name: "Runbook"),
        // The pure gate engine: case state as a fold over events, decide(command) -> events | refusal.
        .target(name: "Engine", dependencies: ["Runbook"]),
        // Command-line surface: argument parsing, rendering, exit codes.
        .target(name: "HandrailCLI", dependencies: ["Runbook", "Engine"]),
        .executableTarget(name: "handrail", dependencies: ["HandrailCLI"]),

        .testTarget(name: "RunbookTests", dependencies: ["Runbook", "Engine"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "EngineTests", dependencies: ["Runbook", "Engine"]),
        .testTarget(name: "HandrailCLITests", dependencies: ["HandrailCLI", "Runbook", "Engine"]),
        .testTarget(name: "SystemLibraryTests", dependencies: ["CSQLite", "CNCursesW"]),
    ],
    swiftLanguageModes: [.v6]
)

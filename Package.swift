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
        // System libraries (Debian: libsqlite3-dev, libncurses-dev). No pkgConfig: the flags it
        // reports (-D_XOPEN_SOURCE…) are ones SwiftPM prohibits and warns about; the shims
        // define what is needed instead.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CNCursesW", path: "Sources/CNCursesW", providers: [.apt(["libncurses-dev"])]),

        // The runbook language: JSON5 with source locations, the model, the checker.
        .target(name: "Runbook"),
        // The pure gate engine: case state as a fold over events, decide(command) -> events | refusal.
        .target(name: "Engine", dependencies: ["Runbook"]),
        // Where facts come from and actions happen: IdentityPlatform, ManualConsole (LocalDirectory later).
        .target(name: "Platform", dependencies: ["Runbook", "Engine"]),
        // The only place SQL lives: event log with hash chain, projections, leases, roster, audit.
        .target(name: "Store", dependencies: ["CSQLite", "Runbook", "Engine"]),
        // The edge that runs a command: read under the write lock, decide, commit, then carry out effects.
        .target(name: "Casework", dependencies: ["Runbook", "Engine", "Platform", "Store"]),
        // Command-line surface: argument parsing, rendering, exit codes.
        .target(name: "HandrailCLI", dependencies: ["Runbook", "Engine", "Platform", "Store", "Casework"]),
        .executableTarget(name: "handrail", dependencies: ["HandrailCLI"]),
        // Budgets from DESIGN.md, measured beside their peers: `swift run -c release handrail-bench`.
        .executableTarget(name: "handrail-bench", dependencies: ["Store", "Engine", "Runbook", "Casework", "Platform", "CSQLite"]),

        .testTarget(name: "RunbookTests", dependencies: ["Runbook", "Engine"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "EngineTests", dependencies: ["Runbook", "Engine"]),
        .testTarget(name: "HandrailCLITests", dependencies: ["HandrailCLI", "Runbook", "Engine"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Engine", "Runbook", "CSQLite", "HandrailCLI"]),
        .testTarget(name: "SystemLibraryTests", dependencies: ["CSQLite", "CNCursesW"]),
    ],
    swiftLanguageModes: [.v6]
)

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

        // SHA-256 compression on the CPU's SHA extensions, where present (Store falls back to Swift).
        .target(name: "CSHA256"),

        // The runbook language: JSON5 with source locations, the model, the checker.
        .target(name: "Runbook"),
        // The pure gate engine: case state as a fold over events, decide(command) -> events | refusal.
        .target(name: "Engine", dependencies: ["Runbook"]),
        // Training scenarios (data in Runbooks/training) and how an attempt is scored. Pure.
        .target(name: "Training", dependencies: ["Runbook", "Engine"]),
        // Where facts come from and actions happen: IdentityPlatform, ManualConsole (LocalDirectory later).
        .target(name: "Platform", dependencies: ["Runbook", "Engine"]),
        // The only place SQL lives: event log with hash chain, projections, leases, roster, audit.
        .target(name: "Store", dependencies: ["CSQLite", "CSHA256", "Runbook", "Engine"]),
        // LocalDirectory: an embedded identity tenant in its own SQLite file (the demo and training tenant).
        .target(name: "LocalTenant", dependencies: ["Runbook", "Engine", "Platform", "Store", "Training"]),
        // The edge that runs a command: read under the write lock, decide, commit, then carry out effects.
        .target(name: "Casework", dependencies: ["Runbook", "Engine", "Platform", "Store"]),
        // Terminal protocol, screen grid, ncurses driver, virtual terminal for tests.
        .target(name: "Terminal", dependencies: ["CNCursesW"]),
        // The TUI: Elm-style update/view over a model; a runtime carries out the effects.
        .target(name: "Wizard", dependencies: ["Terminal", "Casework", "Store", "Platform", "Engine", "Runbook", "Training", "LocalTenant"]),
        // Command-line surface: argument parsing, rendering, exit codes.
        .target(name: "HandrailCLI", dependencies: ["Runbook", "Engine", "Platform", "Store", "LocalTenant", "Casework", "Terminal", "Wizard", "Training"]),
        .executableTarget(name: "handrail", dependencies: ["HandrailCLI"]),
        // Budgets from DESIGN.md, measured beside their peers: `swift run -c release handrail-bench`.
        .executableTarget(name: "handrail-bench", dependencies: ["Store", "Engine", "Runbook", "Casework", "Platform", "Terminal", "Wizard"]),

        // What the test targets share: where the package is, the built `handrail` found and run
        // as a subprocess (optionally on a clock set by faketime), a tmux driver, and the
        // requirements a test fails without. Foundation and XCTest only.
        .target(name: "HandrailTestSupport", path: "Tests/HandrailTestSupport"),

        .testTarget(name: "RunbookTests", dependencies: ["Runbook", "Engine", "HandrailTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "EngineTests", dependencies: ["Runbook", "Engine", "HandrailTestSupport"]),
        .testTarget(name: "HandrailCLITests", dependencies: ["HandrailCLI", "Runbook", "Engine", "Store", "HandrailTestSupport"],
                    // Transcripts of demo runs, compared by the tests and quoted by the docs.
                    exclude: ["Transcripts"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Engine", "Runbook", "CSQLite", "HandrailCLI", "HandrailTestSupport"]),
        .testTarget(name: "LocalTenantTests", dependencies: ["LocalTenant", "Casework", "Platform", "Store", "Engine", "Runbook", "HandrailCLI", "HandrailTestSupport"]),
        .testTarget(name: "WizardTests", dependencies: ["Wizard", "Terminal", "Casework", "LocalTenant", "Platform", "Store", "Engine", "Runbook", "HandrailTestSupport"],
                    resources: [.copy("Golden")]),
        .testTarget(name: "SystemLibraryTests", dependencies: ["CSQLite", "CNCursesW"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Engine", "Runbook", "LocalTenant", "Store", "Casework", "Wizard", "Terminal", "Platform", "HandrailTestSupport"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)

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

        // SHA-256 compression on the CPU's SHA extensions, where present (Hashing falls back to Swift).
        .target(name: "CSHA256"),
        // prctl(2) for the process's hardening at start (PR_SET_DUMPABLE): variadic in C.
        .target(name: "CProcess"),
        // The VFS the connections open their files through: SQLite's default one, but an existing
        // write-ahead log is opened without "create", so a new connection's commit does not also
        // sync the log's folder. In C: a VFS is a struct of C function pointers. SQLiteCore only.
        .target(name: "CSQLiteVFS", dependencies: ["CSQLite"]),
        // SQLite without a domain: connection, statements, errors, migrations, and the one way a
        // store's file is opened. The only target that imports CSQLite (and CSQLiteVFS).
        .target(name: "SQLiteCore", dependencies: ["CSQLite", "CSQLiteVFS"]),
        // SHA-256, HMAC-SHA256 and PBKDF2 password hashes, on the project's own SHA-256. Pure.
        .target(name: "Hashing", dependencies: ["CSHA256"]),
        // Checkpoints of the log that leave the machine: the forward-evolving anchor key, the
        // signers (key file; locked mode's helper later), the sinks (syslog, append-only file).
        .target(name: "Anchoring", dependencies: ["Hashing", "Runbook", "Engine"]),

        // The runbook language: JSON5 with source locations, the model, the checker.
        .target(name: "Runbook"),
        // The pure gate engine: case state as a fold over events, decide(command) -> events | refusal.
        .target(name: "Engine", dependencies: ["Runbook"]),
        // Training scenarios (data in Runbooks/training) and how an attempt is scored. Pure.
        .target(name: "Training", dependencies: ["Runbook", "Engine"]),
        // Where facts come from and actions happen: IdentityPlatform, ManualConsole (LocalDirectory later).
        .target(name: "Platform", dependencies: ["Runbook", "Engine"]),
        // The event log with its hash chain, projections, leases, roster, audit.
        .target(name: "Store", dependencies: ["SQLiteCore", "Hashing", "Runbook", "Engine"]),
        // LocalDirectory: an embedded identity tenant in its own SQLite file (the demo and training tenant).
        .target(name: "LocalTenant", dependencies: ["Runbook", "Engine", "Platform", "Store", "Training", "SQLiteCore", "Hashing"]),
        // The application layer: read a case and the platform's facts, decide, commit optimistically,
        // then carry out effects; the one presentation of a case. What the CLI and the wizard call.
        .target(name: "Casework", dependencies: ["Runbook", "Engine", "Platform", "Store"]),
        // Terminal protocol, screen grid, ncurses driver, virtual terminal for tests.
        .target(name: "Terminal", dependencies: ["CNCursesW"]),
        // The TUI: Elm-style update/view over a model; a runtime carries out the effects.
        .target(name: "Wizard", dependencies: ["Terminal", "Casework", "Engine", "Runbook"]),
        // Training attempts in the wizard: the coach that plays the caller and scores the attempt, and the results it keeps.
        .target(name: "TrainingRuntime", dependencies: ["Training", "Wizard", "Casework", "LocalTenant", "SQLiteCore", "Store", "Engine", "Runbook"]),
        // Command-line surface: argument parsing, rendering, exit codes.
        .target(name: "HandrailCLI", dependencies: ["Runbook", "Engine", "Platform", "Store", "LocalTenant", "Casework", "Terminal", "Wizard", "Training",
                                                   "TrainingRuntime", "Hashing", "Anchoring", "CProcess"]),
        // The Swift runtime and Foundation linked into the executable: a command-line process
        // then starts without loading and relocating a dozen shared libraries, which was half of
        // the time `handrail --version` took. The libraries Foundation's static archive needs are
        // named (its module, compiled for shared linking, does not ask for them), and lld links
        // them in whatever order. Linux only (the only platform Handrail runs on).
        .executableTarget(name: "handrail", dependencies: ["HandrailCLI"],
                          linkerSettings: [.unsafeFlags(["-static-stdlib", "-use-ld=lld", "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCShims",
                                                         "-l_FoundationCollections", "-lswiftSynchronization"], .when(platforms: [.linux]))]),
        // Performance budgets, measured beside their peers: `swift run -c release handrail-bench`.
        .executableTarget(name: "handrail-bench", dependencies: ["Store", "SQLiteCore", "Hashing", "Engine", "Runbook", "Casework", "Platform",
                                                                "Terminal", "Wizard", "Anchoring", "HandrailCLI"]),

        // What the test targets share: where the package is, the built `handrail` found and run
        // as a subprocess (optionally on a clock set by faketime), a tmux driver, and the
        // requirements a test fails without. Foundation and XCTest only.
        .target(name: "HandrailTestSupport", path: "Tests/HandrailTestSupport"),

        .testTarget(name: "RunbookTests", dependencies: ["Runbook", "Engine", "HandrailTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "EngineTests", dependencies: ["Runbook", "Engine", "HandrailTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "HandrailCLITests", dependencies: ["HandrailCLI", "Runbook", "Engine", "Store", "SQLiteCore", "LocalTenant", "Hashing",
                                                      "HandrailTestSupport"],
                    // Transcripts of demo runs, compared by the tests and quoted by the docs.
                    exclude: ["Transcripts"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "SQLiteCore", "Hashing", "Engine", "Runbook", "CSQLite", "HandrailCLI", "HandrailTestSupport"]),
        .testTarget(name: "AnchoringTests", dependencies: ["Anchoring", "Hashing", "HandrailCLI", "Store", "SQLiteCore", "Engine", "Runbook",
                                                     "HandrailTestSupport"]),
        .testTarget(name: "HashingTests", dependencies: ["Hashing", "HandrailTestSupport"]),
        .testTarget(name: "LocalTenantTests", dependencies: ["LocalTenant", "Casework", "Platform", "Store", "Engine", "Runbook", "HandrailCLI",
                                                       "Hashing", "SQLiteCore", "HandrailTestSupport"]),
        .testTarget(name: "WizardTests", dependencies: ["Wizard", "Terminal", "Casework", "LocalTenant", "Platform", "Store", "Engine", "Runbook",
                                                  "Hashing", "HandrailTestSupport"],
                    resources: [.copy("Golden")]),
        // Rules of docs/ARCHITECTURE.md the compiler does not enforce, checked on the source tree.
        .testTarget(name: "ArchitectureTests"),
        .testTarget(name: "CaseworkTests", dependencies: ["Casework", "Engine", "Runbook", "Platform", "Store", "HandrailTestSupport"]),
        // A locked deployment installed for real: accounts, sshd, sudo; needs root.
        .testTarget(name: "DeploymentTests", dependencies: ["HandrailTestSupport"]),
        .testTarget(name: "SystemLibraryTests", dependencies: ["CSQLite", "CNCursesW"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Engine", "Runbook", "LocalTenant", "Store", "Casework", "Wizard", "Terminal", "Platform",
                                                    "TrainingRuntime", "HandrailTestSupport"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)

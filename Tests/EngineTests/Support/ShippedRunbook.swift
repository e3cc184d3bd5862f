import Foundation
import HandrailTestSupport
import Runbook
import Engine

/// The runbook the product ships, loaded the way the product loads it (`EngineVocabulary.load`).
/// The gate tests run against the real file, not a copy, so a change to the runbook that
/// weakens a gate fails here.
enum ShippedRunbook {
    /// Why the shipped runbook could not be used; thrown into each test instead of crashing the run.
    struct LoadFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// `Runbooks/mfa-recovery.json5`, found from the package root (`PackagePaths`) so the tests do
    /// not depend on the directory `swift test` was started from.
    static let mfaRecoveryURL: URL = PackagePaths.runbooks.appendingPathComponent("mfa-recovery.json5")

    /// Loaded once per test run: every test reads the same immutable value.
    static let mfaRecovery: Result<Runbook, LoadFailure> = {
        let text: String
        do {
            text = try String(contentsOf: mfaRecoveryURL, encoding: .utf8)
        } catch {
            return .failure(LoadFailure(description: "cannot read \(mfaRecoveryURL.path): \(error)"))
        }
        switch EngineVocabulary.load(text) {
        case .valid(let runbook):
            return .success(runbook)
        case .invalid(let problems):
            let list = problems.map { $0.formatted(file: mfaRecoveryURL.lastPathComponent) }.joined(separator: "\n")
            return .failure(LoadFailure(description: "the shipped runbook does not load:\n\(list)"))
        }
    }()

    static func load() throws -> Runbook {
        try mfaRecovery.get()
    }
}

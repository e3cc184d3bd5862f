import Engine
import Foundation
import HandrailTestSupport
import Runbook
import Training

/// The files the training tests read, found from the package root (`PackagePaths`), so the
/// tests do not depend on the directory `swift test` was started from: the shipped runbook, the shipped scenarios, and the broken fixtures.
enum TrainingFiles {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let packageRoot = PackagePaths.root
    static let runbooks = packageRoot.appendingPathComponent("Runbooks")
    static let scenarioFolder = runbooks.appendingPathComponent("training")
    static let brokenFixtures = packageRoot.appendingPathComponent("Tests/TrainingTests/Fixtures/broken")

    /// The shipped runbook, loaded the way the product loads it. Once per run.
    static let mfaRecovery: Result<Runbook, Failure> = {
        let url = runbooks.appendingPathComponent("mfa-recovery.json5")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            return .failure(Failure(description: "cannot read \(url.path)"))
        }
        switch EngineVocabulary.load(text) {
        case .valid(let runbook): return .success(runbook)
        case .invalid(let problems):
            return .failure(Failure(description: "the shipped runbook does not load:\n"
                                    + problems.map { $0.formatted(file: url.lastPathComponent) }.joined(separator: "\n")))
        }
    }()

    static func runbook() throws -> Runbook { try mfaRecovery.get() }

    /// Every `*.json5` in Runbooks/training, sorted by name: discovered, never listed by hand.
    static func scenarioFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: scenarioFolder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json5" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    static func brokenFixtureFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: brokenFixtures, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json5" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Loads a scenario file with the vocabulary the product uses: the engine's checks and the
    /// runbook's refusal signals.
    static func load(_ url: URL, runbook: Runbook) throws -> ScenarioLoader.Outcome {
        let text = try String(contentsOf: url, encoding: .utf8)
        return ScenarioLoader.load(text, knownChecks: CheckCatalog.names, knownSignals: Set(runbook.refusalSignals.map(\.id)))
    }

    /// A shipped scenario, or a failure naming its problems.
    static func scenario(_ url: URL, runbook: Runbook) throws -> Scenario {
        switch try load(url, runbook: runbook) {
        case .valid(let scenario): return scenario
        case .invalid(let problems):
            throw Failure(description: "\(url.lastPathComponent) does not load:\n"
                          + problems.map { $0.formatted(file: url.lastPathComponent) }.joined(separator: "\n"))
        }
    }

    static func scenario(id: String) throws -> Scenario {
        try scenario(scenarioFolder.appendingPathComponent(id + ".json5"), runbook: runbook())
    }
}

import Engine
import Foundation
import Runbook
import Training

/// The training scenarios: JSON5 files in the runbook folder's `training/` subfolder.
struct ScenarioLibrary {
    let directory: URL

    init(runbooks: RunbookLibrary) {
        directory = runbooks.directory.appendingPathComponent("training")
    }

    static func load(file: URL, runbook: Runbook?) -> Result<Scenario, ScenarioProblems> {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            return .failure(ScenarioProblems(problems: [RunbookProblem(.syntax, at: .root, nil, "cannot read the file as UTF-8 text")]))
        }
        let signals = Set(runbook?.refusalSignals.map(\.id) ?? [])
        switch ScenarioLoader.load(text, knownChecks: CheckCatalog.names, knownSignals: signals) {
        case .valid(let scenario): return .success(scenario)
        case .invalid(let problems): return .failure(ScenarioProblems(problems: problems))
        }
    }

    func all(runbook: Runbook?) -> [(URL, Result<Scenario, ScenarioProblems>)] {
        let files = ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "json5" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        return files.map { ($0, Self.load(file: $0, runbook: runbook)) }
    }
}

/// What is wrong with a scenario file.
struct ScenarioProblems: Error {
    var problems: [RunbookProblem]
}

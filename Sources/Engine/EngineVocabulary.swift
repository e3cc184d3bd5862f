import Foundation
import Runbook

/// The names the Engine defines for runbooks to use; `RunbookLoader` rejects any other.
public enum EngineVocabulary {
    /// Platform actions a step may perform.
    public static let actions = Set(PlatformAction.allCases.map(\.rawValue))

    public static let vocabulary = RunbookVocabulary(
        checks: CheckCatalog.names,
        actions: actions,
        facts: Set(CaseFacts.names),
        awaitableEvents: [EventCodec.Name.factorEnrolled],
        templateVariables: Set(TemplateValues.names),
        checkInputs: CheckCatalog.inputs
    )

    /// Loads a runbook text against the Engine's vocabulary.
    public static func load(_ text: String) -> RunbookLoader.Outcome {
        RunbookLoader.load(text, vocabulary: vocabulary)
    }

    /// Loads a runbook file's bytes (not UTF-8: one problem, at the first bad byte).
    public static func load(_ data: Data) -> RunbookLoader.Outcome {
        RunbookLoader.load(data, vocabulary: vocabulary)
    }
}

import Runbook

/// The names the Engine defines for runbooks to use; `RunbookLoader` rejects any other.
public enum EngineVocabulary {
    /// Platform actions a step may perform.
    public static let actions: Set<String> = ["resetFactors", "generateBackupCodes", "setTemporaryPassword", "suspendUser"]

    public static let vocabulary = RunbookVocabulary(
        checks: CheckCatalog.names,
        actions: actions,
        facts: Set(CaseFacts.names),
        awaitableEvents: [EventType.factorEnrolled],
        templateVariables: Set(TemplateValues.names)
    )

    /// Loads a runbook text against the Engine's vocabulary.
    public static func load(_ text: String) -> RunbookLoader.Outcome {
        RunbookLoader.load(text, vocabulary: vocabulary)
    }
}

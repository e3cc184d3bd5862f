import Runbook

/// Every gate a runbook can name. The runbook checker rejects names not listed here, so a
/// misspelt gate fails `runbook check` instead of silently never running.
public enum CheckCatalog {
    public static let all: [String: Check] = Dictionary(uniqueKeysWithValues: (
        VerificationChecks.all + SignalChecks.all + ActionChecks.all + EnrolmentChecks.all + FollowUpChecks.all
    ).map { ($0.name, $0) })

    public static var names: Set<String> { Set(all.keys) }

    /// What each gate reads, for the runbook checker.
    public static var inputs: [String: CheckInputs] { all.mapValues(\.inputs) }

    public static func check(named name: String) -> Check? { all[name] }
}

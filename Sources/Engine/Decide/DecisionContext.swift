import Foundation
import Runbook

/// The world as the edges hand it to the Engine for one decision: the runbook the case runs
/// on, who is acting, the platform's facts, the time and the operator's time zone (for
/// "before today"), and any identifier the decision may need. The Engine takes nothing else.
public struct DecisionContext: Sendable {
    public var runbook: Runbook
    public var actor: Actor
    public var facts: PlatformFacts
    public var now: Date
    public var timeZone: TimeZone
    /// The organisation's domains, default country code and time zone (configuration).
    public var organisation: Organisation
    /// An unused case id, for a step that opens a linked case.
    public var newCaseID: String?
    /// Training attempts run on a training tenant; only there may trainees act.
    public var training: Bool
    /// The runbook file in the folder now under the case's runbook id, when it differs from the
    /// one the case is pinned to: what `migrateRunbook` moves the case to. Nil otherwise.
    public var runbookMigrationTarget: RunbookPin?
    /// Another operator holding the case now (its lease not run out), if any: what a senior's
    /// take-over takes it from.
    public var heldBy: String?

    public init(runbook: Runbook, actor: Actor, facts: PlatformFacts, now: Date, timeZone: TimeZone,
                newCaseID: String? = nil, training: Bool = false, organisation: Organisation? = nil) {
        self.runbook = runbook
        self.actor = actor
        self.facts = facts
        self.now = now
        self.timeZone = timeZone
        self.newCaseID = newCaseID
        self.training = training
        self.organisation = organisation ?? Organisation(timeZone: timeZone)
        // One time zone for every gate: the context's.
        self.organisation.timeZone = timeZone
        // A configured privileged account is privileged whatever the facts say.
        if self.organisation.privilegedAccounts.contains(facts.user.email.lowercased()) { self.facts.user.privileged = true }
    }
}

import Engine
import Foundation
import Platform
import Runbook
import Store

/// A case as read for display or decision: its history, state, runbook, the platform's facts
/// (read outside any write transaction) and the decision context built from them.
public struct CaseSnapshot {
    public var history: [StoredEvent]
    public var state: CaseState
    public var runbook: Runbook
    public var facts: PlatformFacts
    public var record: CaseRecord?
    public var context: DecisionContext
    /// Facts the platform still needs typed before the current step can be decided.
    public var missingFacts: [MissingFact]
    /// Which facts are known; nil when the platform knows them all (see `IdentityPlatform.knownFacts`).
    public var knownFacts: Set<String>?
    /// Why the platform could not report on the subject (they left the directory, say): the case
    /// still shows, every fact unknown, and nothing can be decided on it.
    public var factsProblem: String? = nil

    public var events: [CaseEvent] { history.map(\.event) }
    /// How many events the case had when read: the base an optimistic commit checks against.
    public var lastCaseSeq: Int { history.last?.caseSeq ?? 0 }
}

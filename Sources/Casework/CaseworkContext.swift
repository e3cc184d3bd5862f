import Engine
import Foundation
import Platform
import Runbook
import Store

/// What the application layer is handed by the edge that runs it (the command line, the
/// wizard, a training attempt): the log, the platform, how to find a case's runbook, the
/// organisation's time zone and the one clock. Nothing in Casework reads the time or the
/// environment itself.
public struct CaseworkContext {
    public let store: HandrailStore
    public let platform: IdentityPlatform
    public var runbooks: (String) -> Runbook?
    public let timeZone: TimeZone
    /// The clock, truncated to what the log stores.
    public let clock: () -> Date
    public let newCaseID: () -> String
    /// How long acting on a case holds it against other operators.
    public var leaseDuration: TimeInterval = 15 * 60
    /// Training cases, on a training tenant: the only place trainees may act.
    public var training = false
    /// The organisation's domains and default country code (its time zone is `timeZone`).
    public var organisation: Organisation?
    /// Checkpoints of the log after commits (nil: this database is not anchored).
    public var anchor: Anchor?
    /// The SHA-256 (hex) and file name of the runbook with an id, as a case opened now would be
    /// pinned to; nil pins nothing (in-process tests that hand runbooks over directly).
    public var runbookPin: ((String) -> (sha256: String, file: String)?)?
    /// The runbook whose file has this SHA-256, for cases pinned to one; nil when it is gone or changed.
    public var runbookByHash: ((String) -> Runbook?)?

    public init(store: HandrailStore, platform: IdentityPlatform, runbooks: @escaping (String) -> Runbook?,
                timeZone: TimeZone, clock: @escaping () -> Date, newCaseID: @escaping () -> String = CaseID.random) {
        self.store = store
        self.platform = platform
        self.runbooks = runbooks
        self.timeZone = timeZone
        self.clock = clock
        self.newCaseID = newCaseID
    }

    func runbook(for opening: CaseEvent, history: [CaseEvent]) throws -> Runbook {
        guard case .opened(let o) = opening.body else { throw StoreError.caseNotFound(opening.caseID) }
        if let recorded = o.platform, recorded != platform.name {
            throw CaseworkError.platformMismatch(caseID: opening.caseID, recorded: recorded, current: platform.name)
        }
        return try replayRunbook(for: opening, history: history)
    }

    /// The runbook a case runs on (by its pinned hash where it has one: the opening's, or the
    /// last `runbook.migrated` event's), whatever platform this process works on: to replay the
    /// case, not to decide on it.
    /// The runbook file a case runs on: the last `runbook.migrated` event's (a senior moved the case
    /// onto a changed file), else the one its opening pinned; nil for a case opened before pinning.
    static func pinnedSHA256(_ opening: CaseOpening, history: [CaseEvent]) -> String? {
        let migrated = history.reversed().lazy.compactMap { event -> String? in
            if case .runbookMigrated(let m) = event.body { return m.to }
            return nil
        }.first
        return migrated ?? opening.runbookSHA256
    }

    func replayRunbook(for opening: CaseEvent, history: [CaseEvent]) throws -> Runbook {
        guard case .opened(let o) = opening.body else { throw StoreError.caseNotFound(opening.caseID) }
        if let hash = Self.pinnedSHA256(o, history: history), let runbookByHash {
            guard let runbook = runbookByHash(hash) else {
                throw CaseworkError.runbookChanged(caseID: opening.caseID, runbookID: o.runbookID, file: o.runbookFile, sha256: hash)
            }
            return runbook
        }
        guard let runbook = runbooks(o.runbookID) else { throw CaseworkError.runbookMissing(o.runbookID) }
        return runbook
    }

    /// After a commit, before the operator is told: a checkpoint now when the events must be
    /// anchored, else a heartbeat if one is due. Returns what to show the operator.
    func anchorAfterCommit(_ stored: [StoredEvent]) -> [String] {
        guard let anchor, !stored.isEmpty else { return [] }
        let receipt = stored.contains(where: { $0.event.body.mustBeAnchored }) ? anchor.anchorNow() : anchor.heartbeat()
        return receipt.warnings
    }

    func decisionContext(runbook: Runbook, actor: Actor, facts: PlatformFacts, now: Date, newCaseID: String? = nil) -> DecisionContext {
        DecisionContext(runbook: runbook, actor: actor, facts: facts, now: now, timeZone: timeZone, newCaseID: newCaseID, training: training,
                        organisation: organisation)
    }
}

import Engine
import Store

/// What a command did: events committed, a refusal, secrets to show once, what to do next.
public struct CaseOutcome {
    public var caseID: String
    public var stored: [StoredEvent]
    public var refusal: Refusal?
    public var effects: [Effect] = []
    /// Generated backup codes or a temporary password: shown to the operator once, stored nowhere.
    public var shownOnce: [String] = []
    /// The action that produced `shownOnce` (a temporary password, or backup codes).
    public var shownOnceBy: PlatformAction?
    /// What the operator must now do in the admin console (ManualConsole).
    public var instructions: String?
    public var linkedCase: String?
    /// Problems anchoring the commit (a sink that failed): shown to the operator, never dropped.
    public var anchorWarnings: [String] = []
    /// The case as the decision saw it, its own events included: what effects are carried out against.
    var decidedOn: CaseSnapshot?

    /// The case as this command's commit left it, when nothing ran after that commit (no platform
    /// action, no linked case opened) and nothing was refused: enough to say what comes next
    /// without reading the case again. nil otherwise.
    public var committedSnapshot: CaseSnapshot? {
        refusal == nil && effects.isEmpty && !stored.isEmpty ? decidedOn : nil
    }

    public init(caseID: String, stored: [StoredEvent] = [], refusal: Refusal? = nil, effects: [Effect] = []) {
        self.caseID = caseID
        self.stored = stored
        self.refusal = refusal
        self.effects = effects
    }

    static func refused(_ refusal: Refusal, caseID: String) -> CaseOutcome {
        CaseOutcome(caseID: caseID, refusal: refusal)
    }

    mutating func merge(_ other: CaseOutcome) {
        stored += other.stored
        refusal = refusal ?? other.refusal
        shownOnce += other.shownOnce
        shownOnceBy = other.shownOnceBy ?? shownOnceBy
        instructions = other.instructions ?? instructions
        linkedCase = other.linkedCase ?? linkedCase
        anchorWarnings += other.anchorWarnings
    }
}

public enum CaseworkError: Error, Equatable, CustomStringConvertible {
    case runbookMissing(String)
    /// The case is pinned to a runbook file whose content is no longer in the folder.
    case runbookChanged(caseID: String, runbookID: String, file: String?, sha256: String)
    /// The case was opened on another identity platform than this command uses.
    case platformMismatch(caseID: String, recorded: String, current: String)

    public var description: String {
        switch self {
        case .runbookMissing(let id): return "the runbook \"\(id)\" is not in the runbook folder"
        case .runbookChanged(let caseID, let id, let file, let hash):
            return "case \(caseID) was opened on runbook \"\(id)\" \(file.map { "(\($0)) " } ?? "")sha256:\(hash), and no file in the runbook folder has that content any more: the runbook changed since the case was opened. Nothing was recorded; the case can only go on under the runbook it was opened with, unless a senior admin moves it: handrail case migrate-runbook \(caseID) --reason TEXT"
        case .platformMismatch(let caseID, let recorded, let current):
            return "case \(caseID) was opened on the \(recorded) platform and stays on it; this command uses \(current) (pass --platform \(recorded))"
        }
    }
}

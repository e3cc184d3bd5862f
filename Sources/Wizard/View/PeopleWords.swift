import Engine

import Runbook

/// Internal names as people say them, for the screen: a status, an outcome, a platform action,
/// an event of a case's history. The audit browser and a history line shown whole keep the
/// recorded event type too (it is what the log and exports call it).
enum PeopleWords {
    /// What an event did, in words, with the runbook's titles for its steps.
    static func event(_ event: CaseEvent, runbook: Runbook) -> String {
        func title(_ step: String) -> String { runbook.step(step)?.title ?? step }
        switch event.body {
        case .opened: return "opened the case"
        case .stepCompleted(let c):
            if c.verification != nil { return "verified the caller" }
            return "done: " + title(c.move.step)
        case .actionRequested(let r): return "asked the platform: " + r.action.title
        case .actionCompleted(let c): return "done on the platform: " + c.request.action.title
        case .actionFailed(let f): return "failed on the platform: " + f.action.title
        case .factorEnrolled(let e): return "new factor enrolled (\(e.kind) \(e.label))"
        case .attemptRefused: return "verification refused"
        case .gateRefused(let g): return "refused at " + title(g.step)
        case .factsRecorded: return "typed console facts"
        case .factConfirmed(let c): return "confirmed typed facts: " + c.facts.keys.sorted().joined(separator: ", ")
        case .priorCasesFound: return "found earlier refused or escalated cases for this person"
        case .priorCasesCleared: return "cleared the earlier cases"
        case .runbookMigrated: return "moved the case to the current runbook"
        case .closed(let outcome, let step):
            // An end step's title says how the case ended; a case closed elsewhere (a refusal
            // upheld at the step it was refused on) is said by its outcome.
            if let end = step.flatMap({ runbook.step($0) }), end.terminal { return end.title }
            return "closed: " + Self.outcome(outcome)
        case .escalated: return "escalated to a senior admin"
        case .reopened: return "reopened"
        case .refusalUpheld: return "upheld the refusal"
        case .paused: return "paused"
        case .resumed: return "resumed"
        case .noteAdded(let kind, _, _): return kind == .refusal ? "refused" : "note"
        case .signalRaised(let signal, _): return "signal: " + (runbook.signal(signal)?.label ?? signal)
        case .verificationRestarted: return "verification restarted"
        case .approvalRequested: return "asked for approval"
        case .approvalGranted: return "approved"
        case .approvalDenied: return "denied approval"
        case .incidentDeclared: return "declared an incident"
        case .takenOver(let from): return "took the case over from \(from)"
        case .sessionStarted: return "session started"
        case .rosterChanged(let c): return "roster: \(c.login)"
        case .promotionRequested(let login): return "promotion asked for \(login)"
        case .unrecognised(let type, _): return type
        }
    }

    static func status(_ status: CaseStatus) -> String {
        switch status {
        case .open: return "open"
        case .escalated: return "escalated"
        case .paused: return "paused"
        case .awaitingApproval: return "awaiting approval"
        case .actionPending: return "platform action pending"
        case .awaitingEnrolment: return "awaiting enrolment"
        case .incident: return "incident"
        case .closed: return "closed"
        }
    }

    /// An outcome id as words: the known ones as people say them, any other with its
    /// underscores as spaces.
    static func outcome(_ outcome: String) -> String {
        switch outcome {
        case "resolved": return "access restored"
        case "resolved_self_service": return "the user signed in themself"
        case "refused": return "refused"
        case "incident": return "incident handled"
        default: return outcome.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: ".", with: " ")
        }
    }

    static func action(_ action: PlatformAction) -> String {
        switch action {
        case .resetFactors: return "Force MFA reset"
        case .generateBackupCodes: return "Backup codes generated"
        case .setTemporaryPassword: return "Temporary password set"
        case .suspendUser: return "Account suspended"
        case .sendNotification: return "Notification sent"
        }
    }
}

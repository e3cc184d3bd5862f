import Casework
import Engine
import Foundation
import LocalTenant
import Platform
import Runbook
import Store

/// A case rendered for `case show` and its `--json`: the `CasePresentation` the wizard renders
/// too (rail, facts with unknowns, checklist with nothing typed, actions now), plus the current
/// step's guidance and fields and the history. Everything from data passes through `SafeText`.
struct CaseView {
    let snapshot: CaseSnapshot
    let platform: IdentityPlatform
    let presentation: CasePresentation
    /// False on an unlocked deployment: the logins in this case were never verified.
    var identityVerified = true

    init(snapshot: CaseSnapshot, platform: IdentityPlatform, identityVerified: Bool = true) {
        self.snapshot = snapshot
        self.platform = platform
        self.identityVerified = identityVerified
        presentation = CasePresentation(snapshot)
    }

    /// The opening's pinned runbook: its SHA-256 and file name (nil on cases opened before pinning).
    var pinnedRunbook: (sha256: String, file: String?)? {
        guard case .opened(let opening)? = snapshot.history.first?.event.body, let hash = opening.runbookSHA256 else { return nil }
        return (hash, opening.runbookFile)
    }

    var state: CaseState { snapshot.state }
    var runbook: Runbook { snapshot.runbook }
    var now: Date { snapshot.context.now }
    var evaluation: StepEvaluation? { presentation.evaluation }
    var available: [String] { presentation.actions.map(\.cliName) }

    func text() -> String {
        var lines: [String] = []
        let s: (String) -> String = { SafeText.visible($0) }
        lines.append("Case \(s(state.caseID)) · \(s(state.subject)) · \(s(runbook.title)) v\(state.runbookVersion)")
        var status = "Status: \(state.status.rawValue)"
        if let outcome = state.outcome { status += " (\(s(outcome)))" }
        if state.isOverdue(at: now) { status += " · OVERDUE since \(EventTime.format(state.enrolmentDeadline!))" }
        else if let deadline = state.enrolmentDeadline, state.status == .awaitingEnrolment { status += " · overdue at \(EventTime.format(deadline))" }
        lines.append(status)
        lines.append("Platform: \(platform.summary)")
        if let pinned = pinnedRunbook {
            lines.append("Runbook: \(pinned.file.map { s($0) + " " } ?? "")sha256:\(s(pinned.sha256))")
        }
        if !identityVerified {
            lines.append("Identities not verified: this deployment takes the operator's login from the environment")
        }
        if let record = snapshot.record, let holder = record.holder, let until = record.leaseExpiresAt, until > now {
            lines.append("Held by \(s(holder)) until \(EventTime.format(until))")
        }
        if let linked = state.linkedFrom { lines.append("Linked from incident case \(s(linked))") }
        if !state.linkedCases.isEmpty { lines.append("Linked case(s): \(state.linkedCases.map(s).joined(separator: ", "))") }
        lines.append("")
        lines.append("Steps")
        for step in presentation.rail {
            lines.append("  \(mark(step.mark)) \(s(step.title))  [\(s(step.id))]")
        }
        if let step = runbook.step(state.currentStep), state.status != .closed {
            lines.append("")
            lines.append("Now: \(s(step.title))")
            if let path = step.consolePath { lines.append("  Console: \(s(path))") }
            for paragraph in step.guidance.split(separator: "\n") { lines.append("  " + s(String(paragraph))) }
            if let pending = state.pendingAction {
                lines.append("  Pending action: \(pending.action.title), requested by \(s(pending.requestedBy)) at \(EventTime.format(pending.requestedAt))")
            }
            if let escalation = state.escalation {
                lines.append("  Escalated by \(s(escalation.by)): \(s(runbook.signal(escalation.signal)?.label ?? escalation.signal)): \(s(escalation.reason))")
            }
            if let approval = state.approval {
                lines.append("  Approval \(approval.state.rawValue)\(approval.decidedBy.map { " by \(s($0))" } ?? ""), requested by \(s(approval.requestedBy))")
            }
            if !step.fields.isEmpty && [.open, .incident].contains(state.status) {
                lines.append("  Fields")
                for field in step.fields {
                    var line = "    \(s(field.id)) (\(field.kind.rawValue)\(field.required ? "" : ", optional")): \(s(field.label))"
                    if let when = field.when, case .field(let name, let comparison) = when, case .equals(let v) = comparison {
                        line += "  [when \(s(name)) = \(s(v.stringValue ?? v.canonicalText))]"
                    } else if field.when != nil { line += "  [conditional]" }
                    lines.append(line)
                    if !field.options.isEmpty {
                        lines.append("      one of: " + field.options.map { s($0.value) + ($0.acceptable ? "" : " (not acceptable)") }.joined(separator: ", "))
                    }
                }
            }
            if !presentation.missingFacts.isEmpty {
                lines.append("  Facts to type from the console (handrail case facts \(s(state.caseID)) …)")
                for fact in presentation.missingFacts {
                    lines.append("    \(fact.key): \(fact.description) (\(fact.consoleScreen)), e.g. \(fact.example)")
                }
            }
            if let evaluation, !evaluation.checklist.isEmpty {
                lines.append("  Gates (with nothing typed yet)")
                for check in evaluation.checklist {
                    lines.append("    \(check.warning ? "!" : check.passed ? "✓" : "✗") \(s(check.label)): \(s(check.message))")
                }
            }
        }
        lines.append("")
        if let problem = snapshot.factsProblem {
            lines.append("Facts: unknown. The identity platform cannot report on this user: \(s(problem))")
        } else {
            lines.append("Facts: " + factsLine())
        }
        lines.append("Actions now: " + (available.isEmpty ? "none for your role" : available.joined(separator: ", ")))
        lines.append("")
        lines.append("History")
        for stored in snapshot.history {
            var line = "  #\(stored.seq) \(stored.timeText) \(s(stored.event.actor)) \(s(stored.event.type))"
            if let reason = stored.event.reason { line += ": \(s(reason))" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// One line saying where the case stands after a command, from the case's state alone.
    static func nextLine(state: CaseState, runbook: Runbook) -> String {
        let s: (String) -> String = { SafeText.visible($0) }
        switch state.status {
        case .closed: return "Case \(s(state.caseID)) is closed (\(s(state.outcome ?? "closed")))."
        case .escalated: return "Case \(s(state.caseID)) is escalated to the senior admin queue."
        case .awaitingEnrolment:
            return "Waiting for \(s(state.subject)) to enrol a new factor; overdue at \(state.enrolmentDeadline.map(EventTime.format) ?? "?")."
        case .actionPending: return "An action is pending: attest it with handrail case attest \(s(state.caseID)) \"…\"."
        case .awaitingApproval: return "Waiting for a senior admin to approve."
        case .paused: return "Case \(s(state.caseID)) is paused."
        case .open, .incident:
            let title = runbook.step(state.currentStep)?.title ?? state.currentStep
            return "Next: \(s(title)) [\(s(state.currentStep))]. See handrail case show \(s(state.caseID))."
        }
    }

    private func factsLine() -> String {
        let f = presentation.facts
        let notTyped = "not typed"
        var parts = ["backup codes remaining " + (f.backupCodes.value.map(String.init) ?? notTyped)]
        switch f.privileged {
        case .known(true): parts.append("privileged (tenant admin)")
        case .known(false): parts.append("not privileged")
        case .unknown: parts.append("privileged " + notTyped)
        }
        switch f.suspended {
        case .known(true): parts.append("SUSPENDED")
        case .known(false): break
        case .unknown: parts.append("suspended " + notTyped)
        }
        if let phones = f.phoneNumbers.value, !phones.isEmpty {
            parts.append("phones " + phones.map { "\($0.number) since \($0.added)" }.joined(separator: ", "))
        }
        if let links = f.federatedLinks.value, !links.isEmpty { parts.append("federated " + links.joined(separator: ", ")) }
        switch f.activity {
        case .unknown: parts.append("sign-ins " + notTyped)
        case .known(let activity):
            parts.append(activity.isUnusual ? "UNUSUAL ACTIVITY: \(activity.failures.count) failed sign-ins from new addresses"
                                            : "\(activity.failures.count) failed sign-ins from new addresses")
        }
        return SafeText.visible(parts.joined(separator: "; "))
    }

    private func mark(_ mark: RailStep.Mark) -> String {
        switch mark {
        case .refused: return "✗"
        case .current: return "▶"
        case .done: return "✓"
        case .ahead: return "·"
        }
    }

    // MARK: - JSON

    func json() -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(state.caseID), "runbook": .string(state.runbookID), "runbookVersion": .number(Double(state.runbookVersion)),
            "subject": .string(state.subject), "status": .string(state.status.rawValue), "step": .string(state.currentStep),
            "stepTitle": .string(runbook.step(state.currentStep)?.title ?? ""), "platform": .string(platform.name),
            "overdue": .bool(state.isOverdue(at: now)), "openedBy": .string(state.openedBy),
            "openedAt": .string(EventTime.format(state.openedAt)), "events": .number(Double(snapshot.history.count)),
            "actions": .array(available.map(JSONValue.string)),
            "identitiesVerified": .bool(identityVerified),
            "facts": factsJSON(),
            "checks": .array((evaluation?.checklist ?? []).map(Self.json(check:))),
            "missingFacts": .array(snapshot.missingFacts.map { .object(["key": .string($0.key), "description": .string($0.description),
                                                                        "consoleScreen": .string($0.consoleScreen)]) }),
            "completedSteps": .array(state.completedSteps.map(JSONValue.string)),
        ]
        if let problem = snapshot.factsProblem { object["factsProblem"] = .string(problem) }
        if let outcome = state.outcome { object["outcome"] = .string(outcome) }
        if let deadline = state.enrolmentDeadline { object["overdueAt"] = .string(EventTime.format(deadline)) }
        if let record = snapshot.record, let holder = record.holder, let until = record.leaseExpiresAt, until > now {
            object["holder"] = .string(holder)
            object["heldUntil"] = .string(EventTime.format(until))
        }
        if let pending = state.pendingAction {
            object["pendingAction"] = .object(["action": .string(pending.action.rawValue), "idempotencyKey": .string(pending.idempotencyKey)])
        }
        if let linked = state.linkedFrom { object["linkedFrom"] = .string(linked) }
        // What the text view's "Platform:" line says, for scripts: which tenant, and whether it is a demo one.
        object["platformSummary"] = .string(platform.summary)
        object["demoTenant"] = .bool((platform as? LocalDirectory)?.demo ?? false)
        return .object(object)
    }

    /// The facts, each a value or null when not yet known: never a default mistaken for a reading.
    private func factsJSON() -> JSONValue {
        let f = presentation.facts
        func known<V>(_ fact: Known<V>, _ json: (V) -> JSONValue) -> JSONValue { fact.value.map(json) ?? .null }
        return .object([
            "backupCodesRemaining": known(f.backupCodes) { .number(Double($0)) },
            "privileged": known(f.privileged) { .bool($0) },
            "suspended": known(f.suspended) { .bool($0) },
            "phoneNumbers": known(f.phoneNumbers) { .array($0.map { .object(["number": .string($0.number), "added": .string($0.added.description)]) }) },
            "federatedLinks": known(f.federatedLinks) { .array($0.map(JSONValue.string)) },
            "unusualActivity": known(f.activity) { .bool($0.isUnusual) },
        ])
    }

    static func json(check: CheckOutcome) -> JSONValue {
        var object: [String: JSONValue] = ["name": .string(check.name), "label": .string(check.label), "passed": .bool(check.passed),
                                           "message": .string(check.message)]
        if check.warning { object["warning"] = .bool(true) }
        return .object(object)
    }

    static func json(record: CaseRecord, now: Date) -> JSONValue {
        let p = record.projection
        var object: [String: JSONValue] = [
            "id": .string(p.id), "status": .string(p.status.rawValue), "step": .string(p.step), "subject": .string(p.subject),
            "runbook": .string(p.runbook), "updatedAt": .string(EventTime.format(p.updatedAt)),
            "overdue": .bool(p.overdueAt.map { $0 < now } ?? false),
        ]
        if let holder = record.holder, let until = record.leaseExpiresAt, until > now { object["holder"] = .string(holder) }
        if let outcome = p.outcome { object["outcome"] = .string(outcome) }
        return .object(object)
    }
}

import Engine
import Foundation
import Runbook
import Terminal

/// The case wizard: the runbook as a rail on the left; on the right the current step's
/// guidance and console path, its form, the live gate checklist and the facts that matter.
enum CaseScreenView {
    static let railWidth = 28

    static func draw(_ model: WizardModel, _ theme: Theme, _ screen: inout Screen) {
        guard let c = model.caseScreen else { return }
        let state = c.state
        var title = "Case \(state.caseID) · \(state.subject)"
        if c.snapshot.facts.user.displayName != state.subject { title += " (\(c.snapshot.facts.user.displayName))" }
        title += " · \(state.status.rawValue)"
        if let outcome = state.outcome { title += " (\(outcome))" }
        screen.put(TerminalText.safe(title), row: 1, column: 1, style: Theme.title, limit: model.width - 2)
        if state.isOverdue(at: c.snapshot.context.now) {
            let mark = " OVERDUE "
            screen.put(mark, row: 1, column: model.width - mark.count - 1, style: Theme.warning)
        }
        drawRail(c, theme, model, &screen)
        var lines = RightPanel(width: model.width - railWidth - 2)
        if c.editable, let step = c.step {
            drawStep(c, step, theme, &lines, &screen, model)
        } else {
            drawStatus(c, theme, &lines)
        }
        lines.facts(c, theme)
        let top = 3, bottom = model.height - 3
        for (i, line) in lines.lines.prefix(max(0, bottom - top + 1)).enumerated() {
            screen.put(line.text, row: top + i, column: railWidth + 1, style: line.style, limit: model.width - railWidth - 2)
        }
        if let cursor = lines.cursor, cursor.row + top <= bottom {
            screen.cursor = (cursor.row + top, railWidth + 1 + cursor.column)
        }
        Wizard.drawFooter(footer(c), model, &screen)
    }

    static func drawRail(_ c: CaseScreenModel, _ theme: Theme, _ model: WizardModel, _ screen: inout Screen) {
        screen.put("Steps", row: 3, column: 1, style: Theme.title)
        let state = c.state
        let incidentPath = c.runbook.stepsReachable(from: c.runbook.incidentEntry)
        let ahead = c.runbook.stepsReachable(from: state.currentStep)
        let visited = Set(state.completedSteps + [state.currentStep])
        let steps = c.runbook.stepsInWalkOrder.filter { step in
            if visited.contains(step.id) { return true }
            if step.terminal { return false }
            if incidentPath.contains(step.id) && !state.incidentDeclared { return false }
            return ahead.contains(step.id)
        }
        for (i, step) in steps.prefix(model.height - 7).enumerated() {
            let mark: String
            var style = Style.plain
            if state.refusedSteps.contains(step.id) {
                mark = theme.refused
                style = Theme.failStyle
            } else if step.id == state.currentStep && state.status != .closed {
                mark = theme.current
                style = Theme.title
            } else if state.completedSteps.contains(step.id) || (step.id == state.currentStep && state.status == .closed) {
                mark = theme.done
                style = Theme.passStyle
            } else {
                mark = theme.ahead
                style = Theme.hint
            }
            screen.put(mark + " " + TerminalText.truncate(TerminalText.safe(step.title), to: railWidth - 4), row: 4 + i, column: 1, style: style)
        }
    }

    static func drawStep(_ c: CaseScreenModel, _ step: Step, _ theme: Theme, _ lines: inout RightPanel, _ screen: inout Screen, _ model: WizardModel) {
        lines.add(step.title, Theme.title)
        if let path = step.consolePath { lines.add("Console: " + path, Theme.hint) }
        let guidance = TerminalText.wrap(TerminalText.safe(step.guidance.replacingOccurrences(of: "\n", with: " ")), to: lines.width)
        let room = max(2, model.height - 16 - c.formFields.count - (c.evaluation?.checklist.count ?? 0))
        for line in guidance.prefix(room) { lines.addRaw(line, .plain) }
        if guidance.count > room { lines.addRaw("  … (? for the whole guidance)", Theme.hint) }
        lines.blank()
        for (i, field) in c.formFields.enumerated() {
            let focused = i == c.focus
            let value = c.inputs[field.id]?.text ?? ""
            let label = TerminalText.truncate(TerminalText.safe(field.label), to: 34) + ":"
            var shown: String
            switch field.kind {
            case .choice:
                let option = field.option(value)
                shown = option.map { "\(theme.left) \($0.label)\($0.acceptable ? "" : " (NOT ACCEPTABLE)") \(theme.right)" } ?? "\(theme.left) choose \(theme.right)"
            case .yesno:
                shown = value == "yes" ? "[yes]" : value == "no" ? "[no]" : "[   ] y/n"
            default:
                shown = value.isEmpty && !focused ? "…" : TerminalText.safe(value)
            }
            let row = lines.count
            let labelWidth = min(36, TerminalText.width(of: label) + 1)
            lines.addRaw(label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + shown, focused ? Theme.focus : .plain)
            if focused, CaseUpdate.isText(field), let input = c.inputs[field.id] ?? Optional(TextInput()) {
                let before = TerminalText.safe(String(input.characters.prefix(input.cursor)))
                lines.cursor = (row, min(lines.width - 1, labelWidth + TerminalText.width(of: before)))
            }
        }
        if let evaluation = c.evaluation {
            lines.blank()
            let ready = evaluation.canContinue || evaluation.failures.allSatisfy { failure in
                step.dangerous && (CaseUpdate.confirmationGates.contains(failure.name)
                    || step.fields.contains { ("field." + $0.id) == failure.name && ($0.confirmsSubject || $0.id == step.reasonField) })
            }
            lines.add(ready ? "Gates: all pass — ^S continue" : "Gates: Continue is unavailable until every check passes",
                      ready ? Theme.passStyle : Theme.warning)
            for check in evaluation.checklist {
                lines.add("\(check.passed ? theme.pass : theme.fail) \(check.label): \(check.message)", check.passed ? Theme.passStyle : Theme.failStyle)
            }
        }
    }

    static func drawStatus(_ c: CaseScreenModel, _ theme: Theme, _ lines: inout RightPanel) {
        let state = c.state
        switch state.status {
        case .awaitingEnrolment:
            lines.add("Waiting for the user to sign in and enrol a new factor", Theme.title)
            if let deadline = state.enrolmentDeadline {
                lines.add("Overdue at \(Wizard.time(deadline)) UTC; the account has no second factor until then.", Theme.warning)
            }
            lines.add("^W checks the platform for the new factor now.", .plain)
        case .escalated:
            lines.add("Escalated: waiting for a senior admin's review", Theme.warning)
            if let e = state.escalation {
                lines.add("Refused by \(e.by) at \(c.runbook.step(e.step)?.title ?? e.step): \(c.runbook.signal(e.signal)?.label ?? e.signal)", .plain)
                lines.add("Reason: \(e.reason)", .plain)
            }
            lines.add("Seniors: ^U uphold the refusal (closes the case), ^O reopen it.", .plain)
        case .awaitingApproval:
            lines.add("A privileged reset waits for a second senior admin's approval", Theme.warning)
            if let a = state.approval { lines.add("Requested by \(a.requestedBy): \(a.reason ?? "")", .plain) }
            lines.add("Another senior: ^A approve, ^D deny.", .plain)
        case .actionPending:
            lines.add("A platform action was requested; its outcome is not recorded", Theme.warning)
            if let p = state.pendingAction { lines.add("\(p.action) (key \(p.idempotencyKey)) at \(Wizard.time(p.requestedAt))", .plain) }
            lines.add("^T asks the platform what happened and records it (never a second action).", .plain)
        case .paused:
            lines.add("Paused. ^P resumes.", Theme.warning)
        case .closed:
            lines.add("Closed: \(state.outcome ?? "closed")", Theme.title)
            if !state.completedActions.isEmpty, !state.incidentDeclared {
                lines.add("If the reset went to an attacker: ^X declares an incident.", .plain)
            }
        case .open, .incident:
            break
        }
        lines.blank()
        lines.add("History (PgUp/PgDn)", Theme.title)
        for stored in c.snapshot.history.dropFirst(c.historyOffset) {
            var text = "\(Wizard.time(stored.event.time)) \(stored.event.actor) \(stored.event.type)"
            if let reason = stored.event.reason { text += ": " + reason }
            lines.add(text, .plain)
        }
    }

    static func footer(_ c: CaseScreenModel) -> String {
        var hints: [String] = []
        if c.editable { hints += ["Tab fields", "^S continue"] }
        let available = Set(CaseEngine.availableCommands(state: c.state, context: c.snapshot.context))
        let map: [(String, String)] = [("refuse", "^R refuse"), ("note", "^N note"), ("pause", "^P pause"), ("resume", "^P resume"),
                                       ("signal", "^E signal"), ("request-approval", "^A approval"), ("approve", "^A approve"),
                                       ("deny", "^D deny"), ("uphold", "^U uphold"), ("reopen", "^O reopen"),
                                       ("observe-enrolment", "^W check enrolment"), ("attest", "^T resume action"),
                                       ("incident", "^X incident"), ("restart-verification", "^V re-verify")]
        for (command, hint) in map where available.contains(command) && !hints.contains(hint) { hints.append(hint) }
        return " " + (hints + ["F1 help", "Esc back"]).joined(separator: "  ")
    }
}

/// Lines for the right-hand panel, wrapped to its width, safe for the terminal.
struct RightPanel {
    let width: Int
    private(set) var lines: [(text: String, style: Style)] = []
    var cursor: (row: Int, column: Int)?

    init(width: Int) { self.width = max(10, width) }

    var count: Int { lines.count }

    /// Adds data text: made safe, then wrapped.
    mutating func add(_ text: String, _ style: Style) {
        for line in TerminalText.wrap(TerminalText.safe(text), to: width) { lines.append((line, style)) }
    }

    /// Adds text that is already safe and fits (or will be clipped).
    mutating func addRaw(_ text: String, _ style: Style) { lines.append((text, style)) }

    mutating func blank() { lines.append(("", .plain)) }

    /// The facts that matter for the decision: codes left, numbers on file, unusual sign-ins.
    mutating func facts(_ c: CaseScreenModel, _ theme: Theme) {
        let f = c.snapshot.facts
        let now = c.snapshot.context.now
        blank()
        var first = "Facts: backup codes left \(f.backupCodesRemaining)"
        if f.user.privileged { first += " · TENANT ADMIN" }
        if f.user.suspended { first += " · SUSPENDED" }
        if !f.federatedLinks.isEmpty { first += " · federated: " + f.federatedLinks.map(\.provider).joined(separator: ", ") }
        add(first, Theme.title)
        if !f.phoneNumbers.isEmpty {
            let today = CalendarDay.startOfDay(now, in: c.snapshot.context.timeZone)
            add("Numbers on file: " + f.phoneNumbers.map { "\($0.number) since \(CalendarDay($0.addedAt, in: c.snapshot.context.timeZone))\($0.addedAt >= today ? " (ADDED TODAY)" : "")" }
                .joined(separator: ", "), f.phoneNumbers.contains { $0.addedAt >= today } ? Theme.warning : .plain)
        }
        let activity = UnusualActivity(signIns: f.signIns, rule: c.runbook.settings.unusualActivity, now: now,
                                       acknowledgedThrough: c.state.activityAcknowledgedThrough)
        if activity.isUnusual {
            add("\(theme.fail) UNUSUAL: \(activity.failures.count) failed sign-ins from new addresses: " + activity.unfamiliarAddresses.joined(separator: ", "),
                Theme.failStyle)
        } else if !activity.failures.isEmpty {
            add("Recent failed sign-ins from new addresses: \(activity.failures.count)", .plain)
        }
    }
}

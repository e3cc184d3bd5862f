import Casework
import Engine
import Foundation
import Runbook
import Terminal

/// The plain mode's view: the wizard's model as lines to be read one after another (by a screen
/// reader, or by eye). Pure, like `Wizard.view`. Nothing is drawn: no cursor movement, no box, no
/// colour; every mark is a word ("passed:", "failed:", "not acceptable:"). The words for steps,
/// checks, actions and facts are `CasePresentation`'s and the runbook's, as on the full screen.
enum PlainView {
    static let announcement = "Handrail plain mode: one prompt at a time; type ? for the actions of this prompt."

    /// The first lines: the mode, and who is acting on what.
    static func intro(_ header: HeaderInfo) -> [String] {
        var about = "Operator \(header.login) (\(header.role.rawValue)), platform \(header.platform)"
        if header.demo { about += " (DEMO tenant)" }
        about += ", database \(header.database)."
        var lines = [announcement, about]
        if !header.identityVerified { lines.append("Identities are not verified here: the login was taken from the environment.") }
        return lines
    }

    // MARK: - The queue

    static func queue(_ model: WizardModel) -> [String] {
        let queue = model.queue
        let rows = queue.visibleRows
        var lines = ["Queue, list \(queue.tab.rawValue + 1) of \(QueueModel.Tab.allCases.count): \(queue.tab.title), \(rows.count) case\(rows.count == 1 ? "" : "s")."]
        let others = QueueModel.Tab.allCases.filter { $0 != queue.tab }.map { "\($0.rawValue + 1) \($0.title) (\(queue.count($0)))" }
        lines.append("Other lists: " + others.joined(separator: "; ") + ".")
        if rows.isEmpty { lines.append("No cases in this list.") }
        for (i, row) in rows.enumerated() {
            var text = "\(i + 1). \(row.id) \(row.subject): \(PeopleWords.status(row.status))"
            if let outcome = row.outcome { text += ", \(PeopleWords.outcome(outcome))" } else { text += ", at \(row.stepTitle)" }
            if row.overdue { text += ", OVERDUE" }
            if let holder = row.holder { text += ", held by \(holder)" }
            lines.append(text + ".")
        }
        return lines
    }

    static func queuePrompt(_ model: WizardModel) -> String {
        let count = model.queue.visibleRows.count
        let open = count == 0 ? "" : count == 1 ? "1 or a case id opens a case; " : "1 to \(count) or a case id opens a case; "
        return "Queue prompt: " + open + "n and an email opens a new case; list and a number shows another list; Enter reads the queue again; q quits."
    }

    // MARK: - The case

    /// What is said when a case comes up or moves on: the case, the step and its guidance, the facts.
    static func caseAnnouncement(_ c: CaseScreenModel) -> [String] {
        let state = c.state
        var title = "Case \(state.caseID) for \(state.subject)"
        if c.snapshot.facts.user.displayName != state.subject { title += " (\(c.snapshot.facts.user.displayName))" }
        title += ": \(PeopleWords.status(state.status))"
        if let outcome = state.outcome { title += ", \(PeopleWords.outcome(outcome))" }
        if state.isOverdue(at: c.snapshot.context.now) { title += ", OVERDUE" }
        var lines = [title + "."]
        let rail = c.presentation.rail
        if let step = c.step, !step.terminal, let index = rail.firstIndex(where: { $0.id == step.id }) {
            lines.append("Step \(index + 1) of \(rail.count): " + sentence(step.title))
            if c.editable {
                for paragraph in step.guidance.split(separator: "\n") { lines.append("Guidance: " + paragraph) }
                if let path = step.consolePath { lines.append("Console: " + path) }
            }
        }
        let done = rail.filter { $0.mark == .done }.map(\.title)
        if !done.isEmpty { lines.append("Done: " + done.joined(separator: "; ") + ".") }
        let refused = rail.filter { $0.mark == .refused }.map(\.title)
        if !refused.isEmpty { lines.append("Refused: " + refused.joined(separator: "; ") + ".") }
        lines += facts(c)
        return lines
    }

    /// The facts that matter, each known or "not typed yet", in words.
    static func facts(_ c: CaseScreenModel) -> [String] {
        let facts = c.presentation.facts
        let notTyped = "not typed yet"
        var parts = ["backup codes left: " + (facts.backupCodes.value.map(String.init) ?? notTyped)]
        switch facts.privileged {
        case .known(true): parts.append("TENANT ADMIN: a reset needs a second senior")
        case .known(false): break
        case .unknown: parts.append("tenant admin? " + notTyped)
        }
        switch facts.suspended {
        case .known(true): parts.append("SUSPENDED")
        case .known(false): break
        case .unknown: parts.append("suspended? " + notTyped)
        }
        if let links = facts.federatedLinks.value, !links.isEmpty { parts.append("federated: " + links.joined(separator: ", ")) }
        switch facts.phoneNumbers {
        case .known(let phones) where !phones.isEmpty:
            parts.append("numbers on file: " + phones.map { "\($0.number) added \($0.addedToday ? "TODAY" : $0.added.description)" }.joined(separator: ", "))
        case .known: parts.append("no number on file")
        case .unknown: parts.append("numbers on file: " + notTyped)
        }
        switch facts.activity {
        case .known(let activity) where activity.isUnusual:
            parts.append("UNUSUAL sign-ins: \(activity.failures.count) failed from \(activity.unfamiliarAddresses.count) new addresses")
        case .known(let activity) where !activity.failures.isEmpty:
            parts.append("failed sign-ins from new addresses: \(activity.failures.count)")
        case .known: break
        case .unknown: parts.append("sign-ins: " + notTyped)
        }
        return ["Facts: " + parts.joined(separator: "; ") + "."]
    }

    /// One field, asked: its place, label, help, the choices numbered, the value it has now.
    static func fieldPrompt(_ c: CaseScreenModel, _ field: Field) -> [String] {
        let fields = c.formFields
        let index = (fields.firstIndex { $0.id == field.id } ?? 0) + 1
        var lines = ["Field \(index) of \(fields.count): " + sentence(field.label + (field.required ? "" : " (optional)"))]
        if let help = field.help { lines.append("Help: " + help) }
        let value = c.inputs[field.id]?.text ?? ""
        switch field.kind {
        case .choice:
            for (i, option) in field.options.enumerated() {
                lines.append("  \(i + 1). " + (option.acceptable ? "" : "not acceptable: ") + option.label)
            }
            if let option = field.option(value) { lines.append("Chosen now: " + (option.acceptable ? "" : "not acceptable: ") + option.label + ".") }
            lines.append("Type a number from 1 to \(field.options.count)" + (value.isEmpty ? "." : "; Enter keeps the choice."))
        case .yesno:
            if !value.isEmpty { lines.append("Answered now: \(value).") }
            lines.append("Type y for yes or n for no" + (value.isEmpty ? "." : "; Enter keeps the answer."))
        default:
            if value.isEmpty {
                lines.append("Type it, then Enter" + (field.required ? "." : "; Enter alone leaves it empty."))
            } else {
                // A drafted message keeps its paragraphs: each is a line of its own.
                let paragraphs = value.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
                lines += paragraphs.count == 1 ? ["Now: " + value] : ["Now:"] + paragraphs.map { "  " + $0 }
                lines.append("Type a new value (one line), or Enter keeps this one.")
            }
        }
        return lines
    }

    /// `text` ending as a sentence does: "." unless it ends with punctuation already.
    static func sentence(_ text: String) -> String {
        guard let last = text.last else { return text }
        return ".?!:".contains(last) ? text : text + "."
    }

    /// The gate checklist as "passed:" and "failed:" lines, then what Enter does.
    static func checklist(_ c: CaseScreenModel, _ step: Step) -> [String] {
        guard let evaluation = c.evaluation else { return [] }
        var lines = ["Checklist for \(step.title):"]
        let deferred = evaluation.failures.filter { CaseUpdate.confirmedInDialog($0, step: step) }
        let blocking = evaluation.failures.filter { !CaseUpdate.confirmedInDialog($0, step: step) }
        for check in blocking { lines.append("failed: \(check.label): \(check.message)") }
        for check in deferred { lines.append("asked when you confirm: \(check.label)") }
        for check in evaluation.checklist where check.passed { lines.append("passed: \(check.label): \(check.message)") }
        if evaluation.checklist.isEmpty { lines.append("Nothing to check at this step.") }
        let fields = c.formFields
        let change = fields.isEmpty ? "" : fields.count == 1 ? "; 1 changes the field" : "; a number from 1 to \(fields.count) changes that field"
        if let holder = c.snapshot.context.heldBy {
            // Held by a colleague: the checks are read, but nothing continues until the hold is theirs no more.
            let takeOver = CaseUpdate.menu(c).first { $0.action == .command(.takeOver) }.map { "; \($0.letter) takes it over" } ?? ""
            lines.append("Checklist prompt: read-only, held by \(holder)" + takeOver + "; ? lists the actions.")
        } else if blocking.isEmpty {
            lines.append(step.dangerous
                ? "Checklist prompt: all checks pass. Enter confirms: you type the user's email, then the reason is asked" + change + "; ? lists the actions."
                : "Checklist prompt: all checks pass. Enter continues" + change + "; ? lists the actions.")
        } else {
            lines.append("Checklist prompt: continue is unavailable, \(blocking.count) check\(blocking.count == 1 ? "" : "s") failed" + change
                + "; ? lists the actions (r refuses).")
        }
        return lines
    }

    /// A case not waiting for the operator's form: what it waits for, and what can be done.
    static func status(_ c: CaseScreenModel) -> [String] {
        let state = c.state
        let presentation = c.presentation
        var lines: [String] = []
        switch state.status {
        case .awaitingEnrolment:
            lines.append("Waiting for the user to sign in and enrol a new factor.")
            if let deadline = state.enrolmentDeadline {
                lines.append("Overdue at \(Wizard.time(deadline)) UTC; the account has no second factor until then.")
            }
            if let step = c.step, let evaluation = c.evaluation, step.awaits != nil {
                for check in evaluation.checklist { lines.append("\(check.passed ? "passed" : "failed"): \(check.label): \(check.message)") }
            }
        case .escalated:
            lines.append("Escalated: waiting for a senior admin's review.")
            if let e = state.escalation {
                lines.append("Refused by \(e.by) at \(c.runbook.step(e.step)?.title ?? e.step): \(c.runbook.signal(e.signal)?.label ?? e.signal).")
                lines.append("Reason: \(e.reason)")
            }
            if !presentation.offers(.uphold) {
                lines.append("A senior admin other than \(state.escalation?.by ?? "the one who refused") reviews it: uphold or reopen.")
            }
        case .awaitingApproval:
            // A case an incident opened: whoever worked the incident cannot approve (the Engine's
            // linkedCaseApproved), so the operator hears who can before looking for a senior.
            let incident = state.linkedFromIncident ? state.linkedFrom ?? "?" : nil
            lines.append(incident.map { "An admin action in this case, opened by incident case \($0), waits for a senior admin's approval." }
                ?? "A privileged reset waits for a second senior admin's approval.")
            if let a = state.approval { lines.append("Requested by \(a.requestedBy): \(a.reason ?? "")") }
            if !presentation.offers(.approve) {
                lines.append(incident == nil ? "A senior admin other than the requester and the case's opener approves or denies it."
                    : "A senior admin other than the requester and the case's opener, who did not work the incident ("
                        + state.incidentWorkers.joined(separator: ", ") + "), approves or denies it.")
            }
        case .actionPending:
            lines.append("A platform action was requested; its outcome is not recorded.")
            if let p = state.pendingAction { lines.append("\(PeopleWords.action(p.action)), requested at \(Wizard.time(p.requestedAt)).") }
        case .paused:
            lines.append("Paused.")
        case .closed:
            lines.append("Closed: \(PeopleWords.outcome(state.outcome ?? "closed")).")
        case .open, .incident:
            lines.append("Nothing to type at this step.")
        }
        let menu = CaseUpdate.menu(c).filter { $0.action != .help }
        let actions = menu.map { "\($0.letter) \($0.label)" }.joined(separator: "; ")
        let enter = state.status == .awaitingEnrolment ? "Enter checks the platform for the new factor" : "Enter reads the case again"
        lines.append("Case prompt: " + enter + "; actions: " + actions + "; q back to the queue.")
        return lines
    }

    /// The actions of the case now, by the letters of the full screen's actions menu.
    static func actions(_ c: CaseScreenModel) -> [String] {
        var lines = ["Actions (type the letter; in a field, ? then the letter):"]
        for item in CaseUpdate.menu(c) where item.action != .help {
            lines.append("\(item.letter) \(item.label)")
        }
        lines.append("q back to the queue")
        lines.append("h the keys of the plain mode")
        return lines
    }

    static let help = [
        "Plain mode keys: every prompt takes one line, ended by Enter.",
        "In a field: the answer (a number for a choice, y or n, or the text); Enter alone keeps what is there.",
        "? lists the actions of the prompt; ? and a letter runs one from a field (?r refuses); at the checklist the letter alone does.",
        "At the checklist: Enter continues, a field's number changes that field.",
        "In a dialog: ?q cancels it.",
        "q leaves the case for the queue; q at the queue quits. End of input (Ctrl-D) quits too; everything recorded stays.",
    ]

    /// A line that came in unusable, said in words; nothing of it was taken.
    static func problem(_ problem: LineDecoder.Problem, limit: Int) -> String {
        switch problem {
        case .tooLong(let bytes):
            return "Problem: that line was \(bytes) bytes long; a line takes at most \(limit). Nothing of it was taken; type it again, shorter."
        case .invalidUTF8:
            return "Problem: that line was not valid UTF-8 (the broken parts show as \u{FFFD}). Nothing of it was taken; type it again."
        case .controlCharacters:
            return "Problem: that line held control characters or an escape sequence. Nothing of it was taken; type it again."
        }
    }

    /// A line for the output: data made safe (no control, bidi or invisible character raw), and the
    /// full screen's marks said in words; anything left outside ASCII that draws (arrows, boxes) is
    /// given its ASCII stand-in, so no box drawing reaches a screen reader.
    static func text(_ line: String) -> String {
        var text = TerminalText.safe(line)
        for (mark, word) in [("✗ ", "failed: "), ("✓ ", "passed: "), ("✗", "failed"), ("✓", "passed"), ("▶", ">"), ("◀", "<"), ("▸", ">"), ("○ ", "")] {
            text = text.replacingOccurrences(of: mark, with: word)
        }
        return String(text.map { ch -> Character in
            guard let scalar = ch.unicodeScalars.first else { return ch }
            return (0x2190...0x21FF).contains(scalar.value) || (0x2500...0x25FF).contains(scalar.value) ? TerminalText.ascii(ch) : ch
        })
    }
}

extension PlainView {
    /// The full screen's feedback names its keys ("F10 checks the platform now", "F2 opens the
    /// form"); here each key is said as its letter in the actions menu ("?w", "?f"), read from
    /// the same menu, so the two cannot drift apart.
    static func lettersForKeys(_ text: String, _ menu: [ActionMenuItem]) -> String {
        var text = text
        for item in menu {
            guard let key = item.key else { continue }
            text = text.replacingOccurrences(of: "(?<![A-Za-z0-9])" + NSRegularExpression.escapedPattern(for: key) + "(?![0-9])",
                                             with: "?" + String(item.letter), options: .regularExpression)
        }
        return text
    }
}

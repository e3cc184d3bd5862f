import Engine
import Foundation
import Runbook
import Terminal

/// The case wizard: the runbook as a rail on the left with the facts that matter under it; on
/// the right the current step's guidance and console path, its form and the live gate checklist.
///
/// Laid out for 80×24 first: the form, the checklist and the facts always show; the guidance
/// gets the rows that are left (the whole of it is one key away, ^G), then recent history.
enum CaseScreenView {
    /// The rail's columns: step titles whole from 100 columns, cut to fit at 80.
    static func railWidth(_ width: Int) -> Int { width >= 100 ? 34 : 28 }

    static func draw(_ model: WizardModel, _ theme: Theme, _ screen: inout Screen) {
        guard let c = model.caseScreen else { return }
        let state = c.state
        var title = "Case \(state.caseID) · \(state.subject)"
        if c.snapshot.facts.user.displayName != state.subject { title += " (\(c.snapshot.facts.user.displayName))" }
        title += " · \(PeopleWords.status(state.status))"
        if let outcome = state.outcome { title += " (\(PeopleWords.outcome(outcome)))" }
        let overdue = state.isOverdue(at: c.snapshot.context.now)
        let mark = " OVERDUE "
        screen.put(TerminalText.truncate(TerminalText.safe(title), to: model.width - 2 - (overdue ? mark.count + 1 : 0)),
                   row: 1, column: 1, style: Theme.title)
        if overdue { screen.put(mark, row: 1, column: model.width - mark.count - 1, style: Theme.warning) }

        let top = 3, rows = max(0, model.height - 3 - top + 1)
        let railWidth = railWidth(model.width)
        // Left column: the rail, and under it the facts when they fit there.
        var left = Array(rail(c, theme, width: railWidth).prefix(rows))
        let facts = factLines(c, theme, width: railWidth - 2)
        let factsOnLeft = left.count + 1 + facts.count <= rows
        if factsOnLeft { left += [("", .plain)] + facts }
        for (i, line) in left.enumerated() {
            screen.put(line.text, row: top + i, column: 1, style: line.style, limit: railWidth - 2)
        }

        // Right panel: what is always shown at the end (facts that did not fit on the left, the
        // training caller), then the step or the status above it.
        let width = max(10, model.width - railWidth - 2)
        var tail = RightPanel(width: width)
        if !factsOnLeft {
            tail.blank()
            for line in factLines(c, theme, width: width) { tail.addRaw(line.text, line.style) }
        }
        if let training = model.training { tail.caller(training) }
        var panel: RightPanel
        if c.editable, let step = c.step {
            panel = stepPanel(c, step, theme, width: width, rows: rows - tail.count)
        } else {
            panel = statusPanel(c, theme, width: width, rows: rows - tail.count)
        }
        panel.append(tail)
        for (i, line) in panel.lines.prefix(rows).enumerated() {
            screen.put(line.text, row: top + i, column: railWidth + 1, style: line.style, limit: width)
        }
        if let cursor = panel.cursor, cursor.row < rows {
            screen.cursor = (cursor.row + top, railWidth + 1 + cursor.column)
        }
        Wizard.drawFooter(footer(c), model, &screen)
    }

    // MARK: - Left column

    static func rail(_ c: CaseScreenModel, _ theme: Theme, width railWidth: Int) -> [(text: String, style: Style)] {
        var lines: [(text: String, style: Style)] = [("Steps", Theme.title)]
        for step in c.presentation.rail {
            let (mark, style): (String, Style) = switch step.mark {
            case .current: (theme.current, Theme.title)
            case .refused: (theme.refused, Theme.failStyle)
            case .done: (theme.done, Theme.passStyle)
            case .ahead: (theme.ahead, Theme.hint)
            }
            lines.append((mark + " " + TerminalText.truncate(TerminalText.safe(step.title), to: railWidth - 4), style))
        }
        return lines
    }

    /// The facts that matter for the decision: codes left, numbers on file (and when each was
    /// added), unusual sign-ins. Every warning is a word, not only a colour.
    static func factLines(_ c: CaseScreenModel, _ theme: Theme, width: Int) -> [(text: String, style: Style)] {
        let facts = c.presentation.facts
        var lines: [(text: String, style: Style)] = []
        func add(_ text: String, _ style: Style) {
            for line in TerminalText.wrap(TerminalText.safe(text), to: width) { lines.append((line, style)) }
        }
        let notTyped = "not typed yet"
        add("Facts", Theme.title)
        add("Backup codes left: " + (facts.backupCodes.value.map(String.init) ?? notTyped), facts.backupCodes == .unknown ? Theme.warning : .plain)
        switch facts.privileged {
        case .known(true): add("TENANT ADMIN: a reset needs a second senior", Theme.warning)
        case .known(false): break
        case .unknown: add("Tenant admin? " + notTyped, Theme.warning)
        }
        switch facts.suspended {
        case .known(true): add("SUSPENDED", Theme.failStyle)
        case .known(false): break
        case .unknown: add("Suspended? " + notTyped, Theme.warning)
        }
        if let links = facts.federatedLinks.value, !links.isEmpty { add("Federated: " + links.joined(separator: ", "), .plain) }
        if let phones = facts.phoneNumbers.value, !phones.isEmpty {
            add(phones.count == 1 ? "Number on file, added:" : "Numbers on file, added:", .plain)
            for phone in phones {
                if phone.addedToday {
                    add(" \(phone.number)  TODAY", Theme.warning)
                } else {
                    add(" \(phone.number)  \(phone.added)", .plain)
                }
            }
        }
        switch facts.activity {
        case .known(let activity) where activity.isUnusual:
            add("\(theme.fail) UNUSUAL: \(activity.failures.count) failed sign-ins from \(activity.unfamiliarAddresses.count) new addresses",
                Theme.failStyle)
        case .known(let activity) where !activity.failures.isEmpty:
            add("Failed sign-ins from new addresses: \(activity.failures.count)", .plain)
        case .known: break
        case .unknown: add("Sign-ins: " + notTyped, Theme.warning)
        }
        return lines
    }

    // MARK: - The step being worked

    static func stepPanel(_ c: CaseScreenModel, _ step: Step, _ theme: Theme, width: Int, rows: Int) -> RightPanel {
        var head = RightPanel(width: width)
        head.add(step.title, Theme.title)
        if let path = step.consolePath {
            let wrapped = TerminalText.wrap(TerminalText.safe("Console: " + path), to: width)
            for (i, line) in wrapped.prefix(2).enumerated() {
                head.addRaw(i == 1 && wrapped.count > 2 ? TerminalText.truncate(line + " …", to: width) : line, Theme.hint)
            }
        }
        let guidance = TerminalText.wrap(TerminalText.safe(step.guidance.replacingOccurrences(of: "\n", with: " ")), to: width)
        let (form, cursorRow, cursorColumn, detail) = formLines(c, theme, width: width)
        // At 24 rows the console path keeps one line (^G shows it whole) so the form's detail fits.
        if rows < 20, head.count > 2 { head.truncate(to: 2, width: width) }

        // The form, the focused field's whole label and help, and every failing check are shown in
        // full (they carry the rules); the checklist folds its passing lines away, then the
        // guidance shrinks to its first line and a pointer to ^G, before anything else is cut.
        let formBlock = form.isEmpty ? 0 : form.count + 1
        var gates: [(text: String, style: Style)] = []
        var guidanceFloor = min(guidance.count, 2)
        for compact in 0...3 {
            if compact == 3 { guidanceFloor = min(guidance.count, 1); break }
            gates = gateLines(c, step, theme, width: width, compact: compact)
            if head.count + 1 + formBlock + detail.count + gates.count + guidanceFloor <= rows { break }
        }
        // When even that is tight, the blank line under the guidance goes too.
        let spacer = head.count + 1 + formBlock + detail.count + gates.count + guidanceFloor > rows ? 0 : 1
        var remaining = rows - head.count - spacer - formBlock - gates.count
        remaining -= guidanceFloor
        var detailShown = Array(detail.prefix(max(0, remaining)))
        if detailShown.count < detail.count, let last = detailShown.indices.last {
            detailShown[last] = TerminalText.truncate(detailShown[last] + " …", to: width)
        }
        remaining -= detailShown.count
        let guidanceRoom = guidanceFloor + max(0, remaining)
        let guidanceShown: [String]
        var guidanceCut = false
        if guidance.count <= guidanceRoom {
            guidanceShown = guidance
        } else {
            guidanceShown = Array(guidance.prefix(max(0, guidanceRoom - 1)))
            guidanceCut = true
        }
        remaining = guidanceRoom - guidanceShown.count - (guidanceCut ? 1 : 0)

        var panel = head
        for line in guidanceShown { panel.addRaw(line, .plain) }
        if guidanceCut { panel.addRaw("  … ^G shows the whole guidance", Theme.hint) }
        if spacer > 0 { panel.blank() }
        if !form.isEmpty {
            let formTop = panel.count
            for line in form { panel.addRaw(line.text, line.style) }
            for line in detailShown { panel.addRaw(line, Theme.hint) }
            panel.blank()
            if let cursorRow { panel.cursor = (formTop + cursorRow, cursorColumn) }
        }
        for line in gates { panel.addRaw(line.text, line.style) }
        if remaining >= 4 {
            panel.blank()
            panel.history(c, rows: remaining - 2, offset: 0, title: "Recent")
        }
        return panel
    }

    /// One line per field: a focus mark, the label in a column, the value. Choices keep both
    /// arrows in view, however long the option; text scrolls to keep the cursor in view. The
    /// focused field's whole label, its help and a long text in full come back as `detail`.
    static func formLines(_ c: CaseScreenModel, _ theme: Theme, width: Int)
        -> (lines: [(text: String, style: Style)], cursorRow: Int?, cursorColumn: Int, detail: [String]) {
        let fields = c.formFields
        guard !fields.isEmpty else { return ([], nil, 0, []) }
        let longest = fields.map { TerminalText.width(of: TerminalText.safe($0.label)) + 2 }.max() ?? 0
        let labelWidth = min(longest, (width - 2) / 2 + 2)
        let valueWidth = max(8, width - 2 - labelWidth)
        var lines: [(text: String, style: Style)] = []
        var cursorRow: Int?, cursorColumn = 0
        var detail: [String] = []
        for (i, field) in fields.enumerated() {
            let focused = i == c.focus
            let input = c.inputs[field.id] ?? TextInput()
            let value = input.text
            let safeLabel = TerminalText.safe(field.label)
            let label = TerminalText.truncate(safeLabel, to: labelWidth - 2) + ":"
            let labelCut = TerminalText.width(of: safeLabel) > labelWidth - 2
            var shown: String
            var detailText: [String] = []
            switch field.kind {
            case .choice:
                if let option = field.option(value) {
                    let text = TerminalText.safe((option.acceptable ? "" : "NOT ACCEPTABLE: ") + option.label)
                    let inner = TerminalText.truncate(text, to: valueWidth - 4)
                    shown = "\(theme.left) \(inner) \(theme.right)"
                    if inner != text { detailText += TerminalText.wrap(text, to: width - 2) }
                } else {
                    shown = "\(theme.left) choose \(theme.right)"
                }
            case .yesno:
                shown = value == "yes" ? "[yes]" : value == "no" ? "[no]" : "[   ] y/n"
            default:
                let safe = TerminalText.safe(value)
                if value.isEmpty && !focused {
                    // Nothing typed: blank, not "…" (which reads as text out of sight).
                    shown = ""
                } else if value.contains("\n") {
                    // A drafted message: its beginning here, the whole of it under the form.
                    shown = TerminalText.truncate(safe, to: valueWidth)
                } else if TerminalText.width(of: safe) < valueWidth {
                    shown = safe
                } else {
                    // Scroll so the cursor stays in view, with "…" where text is out of sight.
                    let before = TerminalText.safe(String(input.characters.prefix(input.cursor)))
                    let beforeWidth = TerminalText.width(of: before)
                    if !focused || beforeWidth < valueWidth - 1 {
                        shown = TerminalText.truncate(safe, to: valueWidth)
                    } else {
                        var tail = ""
                        for ch in before.reversed() {
                            if TerminalText.width(of: tail) + TerminalText.width(of: ch) > valueWidth - 2 { break }
                            tail.insert(ch, at: tail.startIndex)
                        }
                        shown = "…" + tail
                    }
                }
                if focused, value.contains("\n") || field.maxLength.map({ $0 > 1000 }) == true {
                    for paragraph in value.split(separator: "\n", omittingEmptySubsequences: false) {
                        detailText += TerminalText.wrap(TerminalText.safe(String(paragraph)), to: width - 2)
                    }
                }
            }
            let padded = label + String(repeating: " ", count: max(1, labelWidth - TerminalText.width(of: label)))
            lines.append(((focused ? theme.focusMark : " ") + " " + padded + shown, focused ? Theme.focus : .plain))
            if focused {
                if CaseUpdate.isText(field), !value.contains("\n") {
                    let before = TerminalText.safe(String(input.characters.prefix(input.cursor)))
                    let offset = shown.hasPrefix("…") && !value.isEmpty ? TerminalText.width(of: shown) : TerminalText.width(of: before)
                    cursorRow = i
                    cursorColumn = min(width - 1, 2 + labelWidth + offset)
                }
                var about: [String] = []
                if labelCut { about.append(safeLabel) }
                if let help = field.help { about.append(TerminalText.safe(help)) }
                let aboutLines = about.isEmpty ? [] : TerminalText.wrap(about.joined(separator: " — "), to: width - 2)
                // A choice's whole option comes first: it is what the operator is deciding.
                detail += (field.kind == .choice ? detailText + aboutLines : aboutLines + detailText).map { "  " + $0 }
            }
        }
        return (lines, cursorRow, cursorColumn, detail)
    }

    /// The gate checklist: what blocks Continue first, then what the confirmation dialog will
    /// ask for, then what passes. `compact` 1 keeps each passing line to one row; 2 folds them
    /// into a single count.
    static func gateLines(_ c: CaseScreenModel, _ step: Step, _ theme: Theme, width: Int, compact: Int) -> [(text: String, style: Style)] {
        guard let evaluation = c.evaluation else { return [] }
        var lines: [(text: String, style: Style)] = []
        func add(_ text: String, _ style: Style, maxLines: Int = .max) {
            let wrapped = TerminalText.wrap(TerminalText.safe(text), to: width)
            for (i, line) in wrapped.prefix(maxLines).enumerated() {
                let last = i == maxLines - 1 && wrapped.count > maxLines
                lines.append((last ? TerminalText.truncate(line + " …", to: width) : line, style))
            }
        }
        let deferred = evaluation.failures.filter { CaseUpdate.confirmedInDialog($0, step: step) }
        let blocking = evaluation.failures.filter { !CaseUpdate.confirmedInDialog($0, step: step) }
        let warnings = evaluation.checklist.filter(\.warning)
        let passed = evaluation.checklist.filter { $0.passed && !$0.warning }
        if blocking.isEmpty {
            add(step.dangerous ? "Gates pass — F5 to confirm and do it" : "Gates: all pass — F5 continue", Theme.passStyle)
        } else {
            add("Continue is unavailable: \(blocking.count) check\(blocking.count == 1 ? "" : "s") \(blocking.count == 1 ? "fails" : "fail")",
                Theme.warning)
        }
        // A failing check says what rule stops Continue: never cut.
        for check in blocking { add("\(theme.fail) \(check.label): \(check.message)", Theme.failStyle) }
        for check in deferred { add("\(theme.deferred) \(check.label) (in the dialog)", Theme.hint, maxLines: 1) }
        // A warning is read before Continue: never folded or cut.
        for check in warnings { add("\(theme.warn) \(check.label): \(check.message)", Theme.warning) }
        if compact == 2, passed.count > 1 {
            add("\(theme.pass) \(passed.count) more pass: " + passed.map(\.label).joined(separator: ", "), Theme.passStyle, maxLines: 1)
        } else {
            for check in passed { add("\(theme.pass) \(check.label): \(check.message)", Theme.passStyle, maxLines: compact == 0 ? .max : 1) }
        }
        return lines
    }

    // MARK: - A case not waiting for the operator's form

    static func statusPanel(_ c: CaseScreenModel, _ theme: Theme, width: Int, rows: Int) -> RightPanel {
        let state = c.state
        let presentation = c.presentation
        var lines = RightPanel(width: width)
        switch state.status {
        case .awaitingEnrolment:
            lines.add("Waiting for the user to sign in and enrol a new factor", Theme.title)
            if let deadline = state.enrolmentDeadline {
                lines.add("Overdue at \(Wizard.time(deadline)) UTC; the account has no second factor until then.", Theme.warning)
            }
            lines.add("F10 checks the platform for the new factor now.", .plain)
            if !c.snapshot.factPrompts.isEmpty {
                lines.add("F2: I see the new factor in the admin console (type it; the check follows).", Theme.title)
            }
        case .escalated:
            lines.add("Escalated: waiting for a senior admin's review", Theme.warning)
            if let e = state.escalation {
                lines.add("Refused by \(e.by) at \(c.runbook.step(e.step)?.title ?? e.step): \(c.runbook.signal(e.signal)?.label ?? e.signal)", .plain)
                lines.add("Reason: \(e.reason)", .plain)
            }
            verification(c, &lines)
            if presentation.offers(.uphold) {
                lines.add("?u upholds the refusal (the case closes); ?o reopens it at the step it stopped.", Theme.title)
            } else {
                lines.add("A senior admin other than \(state.escalation?.by ?? "the one who refused") reviews it: uphold or reopen.", .plain)
            }
        case .awaitingApproval:
            lines.add("A privileged reset waits for a second senior admin's approval", Theme.warning)
            if let a = state.approval { lines.add("Requested by \(a.requestedBy): \(a.reason ?? "")", .plain) }
            verification(c, &lines)
            if presentation.offers(.approve) {
                lines.add("F9 approves the reset; ?d denies it.", Theme.title)
            } else {
                lines.add("A senior admin other than the requester and the case's opener approves or denies it.", .plain)
            }
        case .actionPending:
            lines.add("A platform action was requested; its outcome is not recorded", Theme.warning)
            if let p = state.pendingAction { lines.add("\(PeopleWords.action(p.action)), requested at \(Wizard.time(p.requestedAt))", .plain) }
            lines.add("?t asks the platform what happened and records it (never a second action).", .plain)
        case .paused:
            lines.add("Paused. F7 resumes.", Theme.warning)
        case .closed:
            lines.add("Closed: \(PeopleWords.outcome(state.outcome ?? "closed"))", Theme.title)
            if !state.completedActions.isEmpty, !state.incidentDeclared {
                lines.add("If the reset went to an attacker: ?x declares an incident.", .plain)
            }
        case .open, .incident:
            break
        }
        // A step that waits for the platform still has a live checklist (the new factor seen?).
        if let step = c.step, step.awaits != nil, state.status == .awaitingEnrolment, let evaluation = c.evaluation {
            for check in evaluation.checklist {
                lines.add("\(check.passed ? theme.pass : theme.fail) \(check.label): \(check.message)", check.passed ? Theme.passStyle : Theme.failStyle)
            }
        }
        lines.blank()
        lines.history(c, rows: rows - lines.count - 1, offset: c.historyOffset, title: "History (PgUp older, PgDn newer)")
        return lines
    }

    /// What a senior decides on: the verification on record, its evidence, ticket, who and when.
    static func verification(_ c: CaseScreenModel, _ lines: inout RightPanel) {
        guard let v = c.presentation.verification else {
            lines.add("Verification: none on record", Theme.warning)
            return
        }
        lines.add("Verified by \(v.method) — \(v.by), \(Wizard.time(v.at)) UTC" + (v.reference.map { ", ticket \($0)" } ?? ""), Theme.title)
        for e in v.evidence { lines.add("  \(e.label): \(e.value)", .plain) }
    }

    /// The key line, most needed first: what moves the case on or stops it (continue, refuse,
    /// a senior's review), then what the form needs (the facts), then the rest. `Wizard.fitHints`
    /// keeps them in this order while they fit, so at 80 columns it is the menu's letters and the
    /// field keys that give way — never refuse; F1 lists every action whatever is left out.
    static func footer(_ c: CaseScreenModel) -> String {
        var hints: [String] = []
        func add(_ kind: CaseCommandKind) {
            guard let action = c.presentation.actions.first(where: { $0.command.kind == kind }) else { return }
            let hint = "\(action.key) \(action.label)"
            if !hints.contains(hint) { hints.append(hint) }
        }
        add(.takeOver)
        if c.editable { hints.append("F5 continue") }
        for kind: CaseCommandKind in [.uphold, .reopen, .approve, .deny, .refuse, .observeEnrolment, .attest, .requestApproval,
                                       .clearPriorCases] { add(kind) }
        if c.editable || c.state.status == .awaitingEnrolment, !c.snapshot.factPrompts.isEmpty { hints.append("F2 facts") }
        for kind: CaseCommandKind in [.note, .pause, .resume] { add(kind) }
        if c.editable {
            if !c.formFields.isEmpty { hints.append("Tab fields") }
            if c.focusedField?.kind == .choice { hints.append("Space list") }
        }
        for kind: CaseCommandKind in [.raiseSignal, .declareIncident, .restartVerification] { add(kind) }
        return " " + (hints + ["F1/? actions", "Esc back"]).joined(separator: "  ")
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

    /// Keeps the first `count` lines, marking the last one kept as cut.
    mutating func truncate(to count: Int, width: Int) {
        guard lines.count > count, count > 0 else { return }
        lines = Array(lines.prefix(count))
        lines[count - 1].text = TerminalText.truncate(lines[count - 1].text + " …", to: width)
    }

    mutating func append(_ other: RightPanel) {
        if let cursor = other.cursor, self.cursor == nil { self.cursor = (cursor.row + count, cursor.column) }
        lines += other.lines
    }

    /// The case's events, one line each, the newest last: `rows` of them ending `offset` events
    /// before the newest (PgUp goes back in time).
    mutating func history(_ c: CaseScreenModel, rows: Int, offset: Int, title: String) {
        guard rows > 0 else { return }
        let events = c.snapshot.history
        let end = max(0, events.count - offset)
        let shown = events[max(0, end - rows)..<end]
        addRaw(TerminalText.truncate(title + (shown.count < events.count ? " \(shown.count) of \(events.count)" : ""), to: width), Theme.title)
        for stored in shown {
            let e = stored.event
            var text = "\(String(Wizard.time(e.time).dropFirst(5))) \(TerminalText.safe(e.actor)) "
                + TerminalText.safe(PeopleWords.event(e, runbook: c.runbook))
            if let reason = e.reason { text += ": " + TerminalText.safe(reason) }
            addRaw(TerminalText.truncate(text, to: width), .plain)
        }
    }

    /// Training: what the caller has said so far.
    mutating func caller(_ pane: TrainingPane) {
        blank()
        add("Caller: \"\(pane.opening)\"", Theme.title)
        for topic in pane.revealed {
            if let line = pane.script[topic] { add("  (\(topic)) \"\(line)\"", .plain) }
        }
        add("F2 ask how to verify · F3 ask for a number · F4 ask what they lost", Theme.hint)
    }
}

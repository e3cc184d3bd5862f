import Casework
import Engine
import Foundation
import Terminal

/// The queue: tabs with counts, the search, and the cases of the current tab. At 80 columns
/// every tab and every column still shows: tab titles shorten, the subject column takes what
/// the fixed ones leave, and times drop the year.
enum QueueView {
    static func tabLabels(_ q: QueueModel, width: Int) -> [String] {
        let short = ["Mine", "Awaiting", "Review", "Overdue", "Closed", "All open"]
        for style in 0..<4 {
            let labels = QueueModel.Tab.allCases.map { tab -> String in
                switch style {
                case 0: return " \(tab.rawValue + 1) \(tab.title) (\(q.count(tab))) "
                case 1: return " \(tab.rawValue + 1) \(short[tab.rawValue]) (\(q.count(tab))) "
                case 2: return "\(tab.rawValue + 1) \(tab == .allOpen ? "All" : short[tab.rawValue]) (\(q.count(tab)))"
                default: return "\(tab.rawValue + 1):\(short[tab.rawValue]) \(q.count(tab))"
                }
            }
            if labels.reduce(0, { $0 + TerminalText.width(of: $1) + 1 }) + 1 <= width { return labels }
        }
        return QueueModel.Tab.allCases.map { "\($0.rawValue + 1):\(q.count($0))" }
    }

    static func draw(_ model: WizardModel, _ theme: Theme, _ screen: inout Screen) {
        let q = model.queue
        // Backups are a senior admin's concern: their queue says when the replica falls behind.
        if model.header.role == .senior, let warning = model.replicationWarning {
            screen.put(TerminalText.safe(warning), row: 1, column: 1, style: Theme.warning, limit: model.width - 2)
        }
        var x = 1
        for (tab, label) in zip(QueueModel.Tab.allCases, tabLabels(q, width: model.width)) {
            x = screen.put(label, row: 2, column: x, style: tab == q.tab ? Theme.focus : .plain) + 1
        }
        let search = q.searching || !q.search.text.isEmpty
        if search {
            let end = screen.put("Search: ", row: 3, column: 1, style: Theme.title)
            let shown = TerminalText.safe(q.search.text)
            screen.put(shown, row: 3, column: end, style: q.searching ? Theme.focus : .plain, limit: model.width - end - 1)
            if q.searching {
                let before = TerminalText.safe(String(q.search.characters.prefix(q.search.cursor)))
                screen.cursor = (3, min(model.width - 1, end + TerminalText.width(of: before)))
            }
            if !q.searching { screen.put("(/ edits, Esc clears)", row: 3, column: end + TerminalText.width(of: shown) + 2, style: Theme.hint) }
        } else {
            screen.put(q.tab.title, row: 3, column: 1, style: Theme.hint)
        }
        if q.tab == .review {
            drawReview(model, theme, &screen)
            Wizard.drawFooter(" \(theme.arrows) select  Enter open  n new case  / search  Tab tabs  a audit  g refresh  ? help  q quit", model, &screen)
            return
        }
        // CASE, SUBJECT (what is left), STATUS, STEP, UPDATED.
        let wide = model.width >= 100
        let timeWidth = wide ? 17 : 12
        let statusWidth = 20, stepWidth = 17, caseWidth = 12
        let subjectWidth = max(12, min(34, model.width - 1 - caseWidth - statusWidth - stepWidth - timeWidth))
        let columns = [("CASE", caseWidth), ("SUBJECT", subjectWidth), ("STATUS", statusWidth), ("STEP", stepWidth),
                       (wide ? "UPDATED (UTC)" : "UPDATED UTC", 0)]
        let statusTitle = "STATUS · HELD BY"
        var cx = 1
        for (title, width) in columns {
            screen.put(title == "STATUS" ? statusTitle : title, row: 4, column: cx, style: Theme.title)
            cx += width
        }
        let rows = q.visibleRows
        let top = 5, capacity = model.height - top - 2
        if rows.isEmpty {
            screen.put(q.search.text.isEmpty ? "No cases here. Press n to open a case for a caller." : "No case matches the search.",
                       row: top + 1, column: 2, style: Theme.hint)
        }
        let first = max(0, min(q.selected - capacity + 1, rows.count - capacity))
        for (i, row) in rows.dropFirst(first).prefix(capacity).enumerated() {
            let index = first + i
            let selected = index == q.selected
            let style: Style = selected ? Theme.focus : .plain
            if selected { screen.fill(row: top + i, column: 0, height: 1, width: model.width, with: Cell(" ", style)) }
            if selected { screen.put(theme.focusMark, row: top + i, column: 0, style: style) }
            var status = statusText(row)
            if let holder = row.holder { status += " · \(holder)" }
            let time = wide ? Wizard.time(row.updated) : String(Wizard.time(row.updated).dropFirst(5))
            let cells = [(row.id, caseWidth), (row.subject, subjectWidth), (status, statusWidth), (row.stepTitle, stepWidth), (time, 0)]
            var x = 1
            for (text, width) in cells {
                let room = width == 0 ? model.width - x : width - 1
                screen.put(TerminalText.truncate(TerminalText.safe(text), to: room), row: top + i, column: x,
                           style: row.overdue && width == statusWidth && !selected ? Theme.warning : style)
                x += width
            }
        }
        if rows.count > capacity {
            screen.put(" \(q.selected + 1)/\(rows.count) ", row: model.height - 2, column: model.width - 12, style: Theme.hint, limit: 11)
        }
        Wizard.drawFooter(" \(theme.arrows) select  Enter open  n new case  / search  Tab tabs  a audit  g refresh  ? help  q quit", model, &screen)
    }

    /// The review tab: what each case needs from a senior — why it waits (REASON), who sent it
    /// (FROM), for how long (WAITING), the signals raised — and the selected case's reason and
    /// signals whole under the list, where the columns cut them.
    static func drawReview(_ model: WizardModel, _ theme: Theme, _ screen: inout Screen) {
        let q = model.queue
        let caseWidth = 12, fromWidth = 10, ageWidth = 8
        let subjectWidth = model.width >= 100 ? 24 : 17
        let signalsWidth = model.width >= 100 ? 22 : 13
        let columns = [("CASE", caseWidth), ("SUBJECT", subjectWidth), ("FROM", fromWidth), ("WAITING", ageWidth),
                       ("SIGNALS", signalsWidth), ("REASON", 0)]
        var cx = 1
        for (title, width) in columns {
            screen.put(title, row: 4, column: cx, style: Theme.title)
            cx += width
        }
        let rows = q.visibleRows
        let top = 5, detailRows = 4
        let capacity = max(1, model.height - top - 2 - detailRows)
        if rows.isEmpty {
            screen.put(q.search.text.isEmpty ? "Nothing waits for a senior admin." : "No case matches the search.",
                       row: top + 1, column: 2, style: Theme.hint)
        }
        let first = max(0, min(q.selected - capacity + 1, rows.count - capacity))
        for (i, row) in rows.dropFirst(first).prefix(capacity).enumerated() {
            let selected = first + i == q.selected
            let style: Style = selected ? Theme.focus : .plain
            if selected {
                screen.fill(row: top + i, column: 0, height: 1, width: model.width, with: Cell(" ", style))
                screen.put(theme.focusMark, row: top + i, column: 0, style: style)
            }
            let r = row.review
            let signals = r.map { $0.signals.isEmpty ? "none" : $0.signals[0] + ($0.signals.count > 1 ? " +\($0.signals.count - 1)" : "") } ?? ""
            let reason = r.map { reasonText($0, row) } ?? statusText(row)
            let cells = [(row.id, caseWidth), (row.subject, subjectWidth), (r?.requester ?? "", fromWidth),
                         (r.map { age($0.age) } ?? "", ageWidth), (signals, signalsWidth), (reason, 0)]
            var x = 1
            for (text, width) in cells {
                let room = width == 0 ? model.width - x - 1 : width - 1
                let cellStyle = !selected && width == signalsWidth && r.map({ !$0.signals.isEmpty }) == true ? Theme.warning : style
                screen.put(TerminalText.truncate(TerminalText.safe(text), to: room), row: top + i, column: x, style: cellStyle)
                x += width
            }
        }
        // The selected case's reason and signals, whole (wrapped to the rows there are).
        guard rows.indices.contains(q.selected), let r = rows[q.selected].review else { return }
        var lines = TerminalText.wrap(TerminalText.safe(reasonText(r, rows[q.selected])), to: model.width - 2)
        if !r.signals.isEmpty { lines += TerminalText.wrap(TerminalText.safe("Signals: " + r.signals.joined(separator: "; ")), to: model.width - 2) }
        let detailTop = model.height - 2 - detailRows
        for (i, line) in lines.prefix(detailRows).enumerated() {
            let cut = i == detailRows - 1 && lines.count > detailRows
            screen.put(cut ? TerminalText.truncate(line + " …", to: model.width - 2) : line, row: detailTop + i, column: 1,
                       style: i == 0 ? Theme.title : .plain)
        }
    }

    /// What the senior is asked, and why, in one line.
    static func reasonText(_ r: ReviewSummary, _ row: QueueModel.Row) -> String {
        switch r.kind {
        case .refusal: return "Refused: " + r.reason
        case .approval: return "Approve a privileged reset: " + r.reason
        case .overdue: return "Overdue at \(row.stepTitle): " + r.reason
        }
    }

    /// How long a case has waited: "<1m", "45m", "3h05", "2d04h".
    static func age(_ seconds: TimeInterval) -> String {
        let minutes = Int(seconds / 60)
        if minutes < 1 { return "<1m" }
        if minutes < 60 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 24 { return "\(hours)h" + String(format: "%02d", minutes % 60) }
        return "\(hours / 24)d" + String(format: "%02dh", hours % 24)
    }

    /// A status in words that fit the column: the outcome for a closed case, OVERDUE first.
    static func statusText(_ row: QueueModel.Row) -> String {
        let words: String = switch row.status {
        case .awaitingEnrolment: row.overdue ? "enrolment" : "awaiting enrolment"
        case .awaitingApproval: "needs approval"
        case .actionPending: "action pending"
        case .closed:
            switch row.outcome {
            case "resolved": "closed: resolved"
            case "resolved_self_service": "closed: self-service"
            case let outcome?: "closed: " + outcome.replacingOccurrences(of: "_", with: " ")
            case nil: "closed"
            }
        case .open, .escalated, .paused, .incident: row.status.rawValue
        }
        return row.overdue ? "OVERDUE " + words : words
    }
}

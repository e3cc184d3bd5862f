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
            let cells = [(row.id, caseWidth), (row.subject, subjectWidth), (status, statusWidth), (row.step, stepWidth), (time, 0)]
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

import Foundation
import Terminal

/// The queue: tabs with counts, the search, and the cases of the current tab.
enum QueueView {
    static func draw(_ model: WizardModel, _ theme: Theme, _ screen: inout Screen) {
        let q = model.queue
        var x = 1
        for tab in QueueModel.Tab.allCases {
            let label = " \(tab.rawValue + 1) \(tab.title) (\(q.count(tab))) "
            x = screen.put(label, row: 2, column: x, style: tab == q.tab ? Theme.focus : .plain) + 1
        }
        let search = q.searching || !q.search.text.isEmpty
        if search {
            let end = screen.put("Search: ", row: 3, column: 1, style: Theme.title)
            screen.put(TerminalText.safe(q.search.text), row: 3, column: end)
            if q.searching { screen.cursor = (3, end + TerminalText.width(of: String(q.search.characters.prefix(q.search.cursor)))) }
        }
        let columns = [("CASE", 12), ("SUBJECT", 26), ("STATUS", 20), ("STEP", 14), ("UPDATED (UTC)", 0)]
        var cx = 1
        for (title, width) in columns {
            screen.put(title, row: 4, column: cx, style: Theme.title)
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
            let style: Style = index == q.selected ? Theme.focus : .plain
            if index == q.selected { screen.fill(row: top + i, column: 0, height: 1, width: model.width, with: Cell(" ", style)) }
            var status = row.status
            if row.overdue { status = "OVERDUE " + status }
            if let outcome = row.outcome { status += " (\(outcome))" }
            let held = row.holder.map { " [held by \($0)]" } ?? ""
            let cells = [(row.id, 12), (row.subject, 26), (status, 20), (row.step, 14), (Wizard.time(row.updated) + held, 0)]
            var x = 1
            for (text, width) in cells {
                screen.put(TerminalText.safe(text), row: top + i, column: x,
                           style: row.overdue && width == 20 && index != q.selected ? Theme.warning : style,
                           limit: width == 0 ? model.width - x : width - 1)
                x += width
            }
        }
        Wizard.drawFooter(" \(theme.arrows) select  Enter open  n new case  / search  Tab tabs  a audit  g refresh  ? help  q quit", model, &screen)
    }
}

import Terminal

/// The audit browser: filter fields, a page of events, the selected event in full, and
/// verification progress. Every filter and column shows at 80 columns; what a column cuts
/// short, the selected event's lines below the page show whole.
enum AuditView {
    static func draw(_ model: WizardModel, _ theme: Theme, _ screen: inout Screen) {
        let a = model.audit
        let title = screen.put("Audit log", row: 2, column: 1, style: Theme.title)
        screen.put("  every event, hash-chained; filters apply on Enter", row: 2, column: title, style: Theme.hint)
        drawFilters(model, theme, &screen)
        if let error = a.error {
            screen.put(TerminalText.truncate(TerminalText.safe(error), to: model.width - 2), row: 5, column: 1, style: Theme.failStyle)
        } else if a.focus == .event, let term = a.eventTerms.last, !a.knownTypes.contains(term) {
            // What the term finds, as it is typed: a part of a name finds every type containing it.
            let found = a.types(matching: term)
            let text = found.isEmpty ? "No known event type contains \"\(term)\"; Enter searches for it anyway"
                : "Tab completes · \"\(term)\" finds \(found.count): " + found.joined(separator: ", ")
            screen.put(TerminalText.truncate(TerminalText.safe(text), to: model.width - 2), row: 5, column: 1, style: Theme.hint)
        }

        // SEQ, TIME, ACTOR, CASE, SUBJECT, EVENT (and reason): the event takes what is left.
        let seqWidth = max(4, String(a.rows.map(\.seq).max() ?? 0).count + 1)
        let timeWidth = 17, actorWidth = 9, caseWidth = 12
        let rest = model.width - 2 - seqWidth - timeWidth - actorWidth - caseWidth
        let subjectWidth = min(22, max(10, rest / 3))
        let columns = [("SEQ", seqWidth), ("TIME (UTC)", timeWidth), ("ACTOR", actorWidth), ("CASE", caseWidth),
                       ("SUBJECT", subjectWidth), ("EVENT", 0)]
        var x = 1
        for (name, width) in columns {
            screen.put(name, row: 6, column: x, style: Theme.title)
            x += width
        }
        let capacity = AuditModel.pageSize(height: model.height)
        for (i, row) in a.rows.prefix(capacity).enumerated() {
            let selected = i == a.selected
            let style: Style = selected ? Theme.focus : .plain
            if selected {
                screen.fill(row: 7 + i, column: 0, height: 1, width: model.width, with: Cell(" ", style))
                screen.put(theme.focusMark, row: 7 + i, column: 0, style: style)
            }
            var event = TerminalText.safe(row.type)
            if let reason = row.reason { event += ": " + TerminalText.safe(reason) }
            let cells = ["\(row.seq)", String(row.time.prefix(16)).replacingOccurrences(of: "T", with: " "), TerminalText.safe(row.actor),
                         TerminalText.safe(row.caseID), TerminalText.safe(row.subject), event]
            var x = 1
            for (text, (_, width)) in zip(cells, columns) {
                let room = width == 0 ? model.width - 1 - x : width - 1
                screen.put(TerminalText.truncate(text, to: room), row: 7 + i, column: x, style: style)
                x += width
            }
        }
        if a.rows.isEmpty { screen.put("No events match. Type filters, Enter to search.", row: 8, column: 2, style: Theme.hint) }

        let pageRow = model.height - 6
        var status = "page \(a.page + 1)"
        if !a.rows.isEmpty { status += " · rows \(a.page * a.pageSize + 1)–\(a.page * a.pageSize + a.rows.count)" }
        status += a.hasMore ? " · more: PgDn" : " · end of the log"
        screen.put(status, row: pageRow, column: 1, style: Theme.hint)
        if let progress = a.verifyProgress {
            let width = max(10, model.width - 20)
            let filled = Int(Double(width) * min(1, max(0, progress)))
            let bar = String(repeating: model.unicode ? "█" : "#", count: filled) + String(repeating: model.unicode ? "░" : ".", count: width - filled)
            screen.put("Verifying \(bar) \(Int(progress * 100))%", row: pageRow + 1, column: 1, style: Theme.title)
        } else if let result = a.verifyResult {
            screen.put(TerminalText.truncate(TerminalText.safe(result), to: model.width - 2), row: pageRow + 1, column: 1,
                       style: result.hasPrefix("FAILED") ? Theme.failStyle : Theme.passStyle)
        }
        if a.rows.indices.contains(a.selected) {
            let row = a.rows[a.selected]
            var text = "#\(row.seq) \(row.time) \(TerminalText.safe(row.actor)) \(TerminalText.safe(row.caseID)) "
                + "\(TerminalText.safe(row.subject)) \(TerminalText.safe(row.type))"
            if let reason = row.reason { text += ": " + TerminalText.safe(reason) }
            let lines = TerminalText.wrap(text, to: model.width - 2)
            for (i, line) in lines.prefix(2).enumerated() {
                let shown = i == 1 && lines.count > 2 ? TerminalText.truncate(line + " …", to: model.width - 2) : line
                screen.put(shown, row: pageRow + 2 + i, column: 1)
            }
        }
        Wizard.drawFooter(" Tab filter  Enter search  \(theme.arrows) row  PgUp/PgDn page  F2 export  F4 verify chain  F1 help  Esc back",
                          model, &screen)
    }

    /// Two rows of three filters; the focused one is marked and its text scrolls to its cursor.
    static func drawFilters(_ model: WizardModel, _ theme: Theme, _ screen: inout Screen) {
        let a = model.audit
        let cell = (model.width - 2) / 3
        for (i, field) in AuditModel.FilterField.allCases.enumerated() {
            let row = 3 + i / 3, column = 1 + (i % 3) * cell
            let focused = field == a.focus
            let input = a.filters[field] ?? TextInput()
            let label = (focused ? theme.focusMark : " ") + "\(field.label):".padding(toLength: 9, withPad: " ", startingAt: 0)
            let end = screen.put(label, row: row, column: column, style: focused ? Theme.title : Theme.hint)
            let room = cell - (end - column) - 1
            let text = TerminalText.safe(input.text)
            let before = TerminalText.safe(String(input.characters.prefix(input.cursor)))
            let placeholder = field == .since || field == .until ? "YYYY-MM-DD" : "·"
            var shown = text.isEmpty && !focused ? placeholder : text
            var cursorAt = TerminalText.width(of: before)
            if TerminalText.width(of: before) >= room {
                shown = "…" + String(before.suffix(max(0, room - 2)))
                cursorAt = TerminalText.width(of: shown)
            }
            screen.put(shown, row: row, column: end, style: focused ? Theme.focus : text.isEmpty ? Theme.hint : .plain, limit: room)
            if focused {
                if shown.isEmpty { screen.put(" ", row: row, column: end, style: Theme.focus) }
                screen.cursor = (row, end + min(room - 1, cursorAt))
            }
        }
    }
}

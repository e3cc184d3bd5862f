import Terminal

/// The audit browser: filter fields, a page of events, verification progress.
enum AuditView {
    static func draw(_ model: WizardModel, _ theme: Theme, _ screen: inout Screen) {
        let a = model.audit
        screen.put("Audit log", row: 2, column: 1, style: Theme.title)
        var x = 1
        for field in AuditModel.FilterField.allCases {
            let text = TerminalText.safe(a.text(field))
            let focused = field == a.focus
            let label = "\(field.label): "
            let end = screen.put(label, row: 3, column: x, style: focused ? Theme.title : Theme.hint)
            let shown = TerminalText.truncate(text.isEmpty ? "·" : text, to: 10)
            screen.put(shown, row: 3, column: end, style: focused ? Theme.focus : .plain)
            if focused {
                let before = TerminalText.safe(String((a.filters[field] ?? TextInput()).characters.prefix((a.filters[field] ?? TextInput()).cursor)))
                screen.cursor = (3, end + min(9, TerminalText.width(of: before)))
            }
            x = end + 11
            if x > model.width - 12 { break }
        }
        if let error = a.error { screen.put(TerminalText.safe(error), row: 4, column: 1, style: Theme.failStyle) }
        let header = "SEQ      TIME (UTC)        ACTOR      CASE         SUBJECT               EVENT"
        screen.put(header, row: 5, column: 1, style: Theme.title)
        for (i, row) in a.rows.prefix(model.height - 10).enumerated() {
            var line = "\(row.seq)".padding(toLength: 9, withPad: " ", startingAt: 0)
            line += String(row.time.prefix(16)).replacingOccurrences(of: "T", with: " ") + "  "
            line += TerminalText.truncate(TerminalText.safe(row.actor), to: 10).padding(toLength: 11, withPad: " ", startingAt: 0)
            line += TerminalText.truncate(TerminalText.safe(row.caseID), to: 12).padding(toLength: 13, withPad: " ", startingAt: 0)
            line += TerminalText.truncate(TerminalText.safe(row.subject), to: 21).padding(toLength: 22, withPad: " ", startingAt: 0)
            line += TerminalText.safe(row.type)
            if let reason = row.reason { line += ": " + TerminalText.safe(reason) }
            screen.put(TerminalText.truncate(line, to: model.width - 2), row: 6 + i, column: 1)
        }
        if a.rows.isEmpty { screen.put("No events match. Type filters, Enter to search.", row: 7, column: 2, style: Theme.hint) }
        let status = "page \(a.page + 1)\(a.hasMore ? " of more" : "")"
        screen.put(status, row: model.height - 4, column: 1, style: Theme.hint)
        if let progress = a.verifyProgress {
            let width = max(10, model.width - 30)
            let filled = Int(Double(width) * min(1, max(0, progress)))
            let bar = String(repeating: model.unicode ? "█" : "#", count: filled) + String(repeating: model.unicode ? "░" : ".", count: width - filled)
            screen.put("Verifying \(bar) \(Int(progress * 100))%", row: model.height - 3, column: 1, style: Theme.title)
        } else if let result = a.verifyResult {
            screen.put(TerminalText.truncate(TerminalText.safe(result), to: model.width - 2), row: model.height - 3, column: 1)
        }
        Wizard.drawFooter(" Tab filter  Enter search  PgUp/PgDn page  ^E export CSV  ^J export JSON  ^V verify chain  F1 help  Esc back", model, &screen)
    }
}

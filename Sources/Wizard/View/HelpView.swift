import Terminal

/// `?` / F1: every key of the current screen.
enum HelpView {
    static func keys(for route: WizardModel.Route) -> [(String, String)] {
        switch route {
        case .queue:
            return [("↑/↓, j/k", "select a case"), ("Tab, ←/→, 1-6", "switch tab (6: all open, anyone's)"), ("Enter", "open the case"),
                    ("n", "new case for a caller"), ("/", "search by email or case id"), ("a", "audit browser"), ("t", "training results (senior admins)"),
                    ("g", "refresh"), ("q", "quit (Esc clears a search; never quits)"), ("Ctrl-C", "quit at once (nothing is lost)")]
        case .caseScreen:
            return [("Tab/Shift-Tab, ↑/↓", "move between fields"), ("←/→, Space, y/n", "change a choice or yes/no"),
                    ("^A/^E, Alt-B/F", "text: start/end, word back/forward"), ("^U/^K, ^W", "text: delete to start/end, word"),
                    ("Enter", "next field; on the last, continue"),
                    ("F5, ^S", "continue (refused with what is missing)"), ("F8, ^R", "refuse and escalate"),
                    ("F6, ^N", "note"), ("F7, ^P", "pause / resume"),
                    ("F9", "request approval (agent) / approve (senior)"), ("F10", "check for the new factor"),
                    ("F2", "type console facts (manual platform)"),
                    ("F1, ?", "actions menu: every action, by letter"),
                    ("?e ?u ?o ?d", "menu: signal, uphold, reopen, deny"),
                    ("?t ?v ?x", "menu: resume action, re-verify, incident"),
                    ("^G", "the step's whole guidance"), ("PgUp/PgDn, ?l", "history: older / newer; any line whole"),
                    ("Esc, q", "back to the queue (asks if you typed)")]
        case .trainingResults:
            return [("Esc, q", "back to the queue")]
        case .audit:
            return [("Tab/Shift-Tab", "next filter"), ("Enter", "search"), ("↑/↓", "select an event (shown whole below)"),
                    ("PgUp/PgDn", "page"), ("F2", "export (Tab in the dialog: CSV or JSON)"), ("F3", "export JSON"),
                    ("^V, F4", "verify the hash chain"), ("Esc", "back")]
        }
    }

    /// A box of every key of the current screen, one per row: at 80×24 the longest list (the case
    /// screen's) fits whole, with the blank row under the title given up first.
    static func draw(_ model: WizardModel, _ theme: Theme, _ screen: inout Screen) {
        let keys = keys(for: model.route)
        let width = min(model.width - 4, 70)
        let gap = keys.count + 4 <= model.height - 2 ? 1 : 0
        let height = min(model.height - 2, keys.count + 2 + 2 * gap)
        let top = max(1, (model.height - height) / 2), left = (model.width - width) / 2
        screen.fill(row: top, column: left, height: height, width: width)
        screen.box(row: top, column: left, height: height, width: width, style: Theme.title, ascii: !model.unicode)
        screen.put(model.route == .caseScreen ? " Keys — the actions menu's h shows this " : " Keys — F1 or ? shows this ",
                   row: top, column: left + 2, style: Theme.title)
        screen.put(" any key closes ", row: top + height - 1, column: left + width - 18, style: Theme.hint)
        for (i, (key, meaning)) in keys.prefix(height - 2 - 2 * gap).enumerated() {
            let shownKey = model.unicode ? key : key.replacingOccurrences(of: "↑", with: "Up").replacingOccurrences(of: "↓", with: "Down")
                .replacingOccurrences(of: "←", with: "Left").replacingOccurrences(of: "→", with: "Right")
            screen.put(shownKey, row: top + 1 + gap + i, column: left + 2, style: Theme.title, limit: 22)
            screen.put(meaning, row: top + 1 + gap + i, column: left + 25, limit: width - 27)
        }
    }
}

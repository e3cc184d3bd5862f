import Terminal

/// Dialogs: a box over the screen with its text, inputs and keys.
enum ModalView {
    static func draw(_ modal: Modal, _ model: WizardModel, _ theme: Theme, _ screen: inout Screen) {
        let width = min(model.width - 4, 72)
        let inner = width - 4
        var lines: [(String, Style)] = []
        var inputs: [(row: Int, label: String, input: TextInput, focused: Bool)] = []
        func text(_ s: String, _ style: Style = .plain) {
            for line in TerminalText.wrap(TerminalText.safe(s), to: inner) { lines.append((line, style)) }
        }
        func input(_ label: String, _ value: TextInput, focused: Bool) {
            inputs.append((lines.count, label, value, focused))
            lines.append(("", .plain))
        }
        var title = ""
        var keys = "Enter confirm  Esc cancel"
        switch modal.kind {
        case .confirmStep(_, let stepTitle, let warning):
            title = stepTitle
            text(warning, Theme.warning)
            lines.append(("", .plain))
            text("Type the user's email to confirm:")
            input("Email", modal.input, focused: !modal.focusSecond)
            text("Reason (recorded in the audit log; names how, when and where you verified):")
            input("Reason", modal.secondInput, focused: modal.focusSecond)
            keys = "Tab switch  Enter do it  Esc cancel"
        case .reason(let purpose):
            title = purpose.title
            if purpose.choosesSignal, !model.signals.isEmpty {
                let listFocused = !modal.focusSecond
                text("Signal" + (listFocused ? " (↑/↓ to choose, Tab to the reason):" : " (Tab to change it):"), listFocused ? Theme.title : Theme.hint)
                for (i, signal) in model.signals.enumerated() {
                    let chosen = i == modal.signalIndex % model.signals.count
                    let mark = chosen ? (model.unicode ? "(•)" : "(*)") : "( )"
                    let line = "  " + (chosen && listFocused ? theme.focusMark : " ") + " " + mark + " " + TerminalText.safe(signal.label)
                    lines.append((TerminalText.truncate(line, to: inner), chosen ? (listFocused ? Theme.focus : Theme.title) : .plain))
                }
                if let why = modal.note { text(why, Theme.hint) }
            }
            input(purpose == .note ? "Note" : purpose == .attest ? "Done" : "Reason", modal.input,
                  focused: !purpose.choosesSignal || modal.focusSecond)
        case .newCase:
            title = "New case"
            text("The caller's email (the account they cannot sign in to):")
            input("Email", modal.input, focused: true)
        case .export(let format):
            title = "Export the filtered audit log"
            text("Format: \(theme.left) \(format.uppercased()) \(theme.right)  (Tab switches CSV / JSON)", Theme.title)
            input("File", modal.input, focused: true)
            text("A name without a folder goes into \(model.audit.exportFolder). An existing file is never replaced without asking.",
                 Theme.hint)
            keys = modal.replaceConfirmed != nil ? "Enter replace it  Esc cancel" : "Enter export  Esc cancel"
        case .secrets(let secrets):
            title = "Shown once — never stored, never shown again"
            text("Read these to the user now, over the channel you verified them on:", Theme.warning)
            lines.append(("", .plain))
            for secret in secrets { lines.append(("    " + TerminalText.safe(secret), Theme.title)) }
            keys = "Enter when the user has them"
        case .message(let messageTitle, let messageLines):
            title = messageTitle
            for line in messageLines { text(line) }
            keys = "Enter close"
        case .confirmLeave(let leaveTitle, let leaveLines, _):
            title = leaveTitle
            for line in leaveLines { text(line, line == leaveLines.first ? Theme.warning : .plain) }
            keys = "Enter leave  Esc stay"
        case .choose(_, let chooseTitle, let options):
            title = chooseTitle
            let shown = ModalUpdate.filtered(options, modal.input.text)
            input("Filter", modal.input, focused: true)
            lines.append(("", .plain))
            if shown.isEmpty { text("Nothing matches; Backspace widens the filter.", Theme.hint) }
            for (i, option) in shown.enumerated() {
                let mark = i == modal.selected ? theme.focusMark : " "
                let text = (option.acceptable ? "" : "NOT ACCEPTABLE: ") + TerminalText.safe(option.label)
                let style: Style = i == modal.selected ? Theme.focus : option.acceptable ? .plain : Theme.failStyle
                for (j, part) in TerminalText.wrap(text, to: inner - 4).enumerated() { lines.append(((j == 0 ? "\(mark) " : "    ") + part, style)) }
            }
            keys = "↑/↓ move  type to filter  Enter choose  Esc back"
        case .subjectCases(let subject, let rows):
            title = "\(subject) already has cases"
            text("Look at these first: a second case for the same request splits the call's record.", Theme.warning)
            lines.append(("", .plain))
            var items = ["Open a new case for \(subject) anyway"]
            for row in rows {
                var status = QueueView.statusText(row)
                if let holder = row.holder { status += ", held by \(holder)" }
                items.append("\(row.id)  \(status) · \(row.stepTitle) · \(Wizard.time(row.updated))")
            }
            for (i, item) in items.enumerated() {
                let mark = i == modal.selected ? theme.focusMark : " "
                lines.append((TerminalText.truncate(mark + " " + TerminalText.safe(item), to: inner), i == modal.selected ? Theme.focus : .plain))
            }
            keys = "↑/↓ move  Enter open it  Esc cancel"
        case .history(let entries):
            title = "History — every event of the case, oldest first"
            let room = max(1, model.height - 10)
            let start = max(0, min(modal.selected - room + 1, entries.count - room))
            for (i, entry) in entries.enumerated().dropFirst(start).prefix(room) {
                let mark = i == modal.selected ? theme.focusMark : " "
                lines.append((TerminalText.truncate(mark + " " + TerminalText.safe(entry.line), to: inner), i == modal.selected ? Theme.focus : .plain))
            }
            keys = "↑/↓ move  Enter show it whole  Esc close"
        case .actions(let items):
            title = "Actions — press a letter, or ↑/↓ and Enter"
            for (i, item) in items.enumerated() {
                let mark = i == modal.selected ? theme.focusMark : " "
                let line = "\(mark) \(item.letter)  \(item.label)" + (item.key.map { "  (\($0))" } ?? "")
                lines.append((TerminalText.truncate(TerminalText.safe(line), to: inner), i == modal.selected ? Theme.focus : .plain))
            }
            keys = "letter or Enter run  Esc close"
        case .facts(let prompts, let needed, let newFactor):
            title = newFactor ? "I see the new factor in the admin console" : "Facts from the admin console"
            text(newFactor
                 ? "Type the factor the user just enrolled and, from the sign-in log, the sign-in that enrolled it. It must be enrolled after the reset."
                 : "Type each fact as the console shows it; \"needed\" ones decide the current step. Blank a fact to leave it as it is.",
                 .plain)
            lines.append(("", .plain))
            let labelWidth = (prompts.map { $0.key.count + (needed.contains($0.key) ? 9 : 0) }.max() ?? 0)
            for (i, prompt) in prompts.enumerated() {
                var label = prompt.key + (needed.contains(prompt.key) ? " (needed)" : "")
                label += String(repeating: " ", count: max(0, labelWidth - label.count))
                input(label, modal.fields.indices.contains(i) ? modal.fields[i] : TextInput(), focused: i == modal.fieldFocus)
            }
            if prompts.indices.contains(modal.fieldFocus) {
                let p = prompts[modal.fieldFocus]
                lines.append(("", .plain))
                text(p.description.prefix(1).uppercased() + p.description.dropFirst(), Theme.title)
                text("Read it from: " + p.consoleScreen)
                text("e.g. " + p.example + (p.multiple ? "   (several: separate with ;)" : ""), Theme.hint)
            }
            keys = newFactor ? "Enter record and check  Esc cancel" : "Tab next  Enter record  Esc cancel"
        }
        if let note = modal.note, !modal.kindIsRefusal { text(note, Theme.warning) }
        if let error = modal.error { lines.append(("", .plain)); text(error, Theme.failStyle) }
        let height = min(model.height - 2, lines.count + 4)
        let top = max(1, (model.height - height) / 2), left = (model.width - width) / 2
        screen.fill(row: top, column: left, height: height, width: width)
        screen.box(row: top, column: left, height: height, width: width, style: Theme.title, ascii: !model.unicode)
        screen.put(" " + TerminalText.truncate(TerminalText.safe(title), to: width - 6) + " ", row: top, column: left + 2, style: Theme.title)
        for (i, line) in lines.prefix(height - 4).enumerated() {
            screen.put(line.0, row: top + 2 + i, column: left + 2, style: line.1, limit: inner)
        }
        for field in inputs where field.row < height - 4 {
            let row = top + 2 + field.row
            let mark = field.focused ? theme.focusMark + " " : "  "
            let labelEnd = screen.put(mark + field.label + ": ", row: row, column: left + 2, style: field.focused ? Theme.title : Theme.hint)
            let room = inner - (labelEnd - left - 2)
            let shown = TerminalText.safe(field.input.text)
            let before = TerminalText.safe(String(field.input.characters.prefix(field.input.cursor)))
            var visible: String
            var cursorAt = TerminalText.width(of: before)
            if TerminalText.width(of: shown) <= room - 1 {
                visible = shown
            } else if field.focused && cursorAt >= room - 1 {
                // Typing at the end of a long text: its end is what shows, after "…".
                visible = ""
                for ch in before.reversed() {
                    if TerminalText.width(of: visible) + TerminalText.width(of: ch) > room - 2 { break }
                    visible.insert(ch, at: visible.startIndex)
                }
                visible = "…" + visible
                cursorAt = TerminalText.width(of: visible)
            } else {
                visible = TerminalText.truncate(shown, to: room)
            }
            screen.put(visible, row: row, column: labelEnd, style: field.focused ? Theme.focus : .plain, limit: room)
            if field.focused { screen.cursor = (row, labelEnd + min(room - 1, cursorAt)) }
        }
        screen.put(" " + keys + " ", row: top + height - 1, column: left + 2, style: Theme.hint)
    }
}

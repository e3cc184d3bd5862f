import Foundation
import Terminal

extension Wizard {
    /// Draws the model. Pure: the same model always gives the same screen.
    public static func view(_ model: WizardModel) -> Screen {
        var screen = Screen(width: model.width, height: model.height)
        let theme = Theme(unicode: model.unicode)
        if model.tooSmall {
            let lines = ["Handrail needs a terminal of at least \(WizardModel.minimumWidth)×\(WizardModel.minimumHeight).",
                         "This one is \(model.width)×\(model.height). Make the window larger;",
                         "nothing is lost meanwhile. (Ctrl-C quits.)"]
            for (i, line) in lines.enumerated() { screen.put(line, row: i, column: 0) }
            return screen
        }
        drawHeader(model, &screen)
        switch model.route {
        case .queue: QueueView.draw(model, theme, &screen)
        case .caseScreen: CaseScreenView.draw(model, theme, &screen)
        case .audit: AuditView.draw(model, theme, &screen)
        }
        if let flash = model.flash {
            screen.fill(row: model.height - 2, column: 0, height: 1, width: model.width)
            screen.put(TerminalText.truncate(TerminalText.safe(flash), to: model.width), row: model.height - 2, column: 0,
                       style: model.flashIsError ? Theme.failStyle : Theme.title)
        }
        if let modal = model.modal { ModalView.draw(modal, model, theme, &screen) }
        if model.showHelp { HelpView.draw(model, theme, &screen) }
        return screen
    }

    static func drawHeader(_ model: WizardModel, _ screen: inout Screen) {
        let h = model.header
        screen.fill(row: 0, column: 0, height: 1, width: model.width, with: Cell(" ", Theme.header))
        var text = " Handrail  \(h.login) (\(h.role))  platform: \(h.platform)"
        if h.demo { text += "  [DEMO TENANT]" }
        screen.put(TerminalText.safe(text), row: 0, column: 0, style: Theme.header)
        let db = "db: " + TerminalText.safe(h.database) + " "
        let room = model.width - TerminalText.width(of: text) - 2
        if room > 8 {
            let shown = TerminalText.width(of: db) > room ? "…" + String(db.suffix(room - 1)) : db
            screen.put(shown, row: 0, column: model.width - TerminalText.width(of: shown), style: Theme.header)
        }
    }

    static func drawFooter(_ hints: String, _ model: WizardModel, _ screen: inout Screen) {
        screen.fill(row: model.height - 1, column: 0, height: 1, width: model.width, with: Cell(" ", Theme.header))
        screen.put(TerminalText.truncate(hints, to: model.width), row: model.height - 1, column: 0, style: Theme.header)
    }

    static func time(_ date: Date) -> String {
        let text = EventTimeText.format(date)
        return String(text.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }
}

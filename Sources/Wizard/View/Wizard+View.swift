import Foundation
import Runbook
import Terminal

extension Wizard {
    /// Draws the model. Pure: the same model always gives the same screen.
    public static func view(_ model: WizardModel) -> Screen {
        var screen = Screen(width: model.width, height: model.height)
        let theme = Theme(unicode: model.unicode)
        if model.tooSmall {
            // Wrapped to whatever width there is: the message is the only thing on the screen.
            let text = "Handrail needs a terminal of at least \(WizardModel.minimumWidth)×\(WizardModel.minimumHeight). "
                + "This one is \(model.width)×\(model.height). Make the window larger; nothing is lost meanwhile. (Ctrl-C quits.)"
            for (i, line) in TerminalText.wrap(text, to: max(1, model.width)).prefix(model.height).enumerated() {
                screen.put(line, row: i, column: 0)
            }
            return model.unicode ? screen : screen.asciiOnly()
        }
        drawHeader(model, &screen)
        switch model.route {
        case .queue: QueueView.draw(model, theme, &screen)
        case .caseScreen: CaseScreenView.draw(model, theme, &screen)
        case .audit: AuditView.draw(model, theme, &screen)
        case .trainingResults: TrainingResultsView.draw(model, theme, &screen)
        }
        if let flash = model.flash {
            screen.fill(row: model.height - 2, column: 0, height: 1, width: model.width)
            screen.put(TerminalText.truncate(TerminalText.safe(flash), to: model.width), row: model.height - 2, column: 0,
                       style: model.flashIsError ? Theme.failStyle : Theme.title)
        }
        if let modal = model.modal { ModalView.draw(modal, model, theme, &screen) }
        if model.showHelp { HelpView.draw(model, theme, &screen) }
        // Not UTF-8: runbook text and data carry arrows, dashes and accents too, not only the theme.
        return model.unicode ? screen : screen.asciiOnly()
    }

    static func drawHeader(_ model: WizardModel, _ screen: inout Screen) {
        let h = model.header
        screen.fill(row: 0, column: 0, height: 1, width: model.width, with: Cell(" ", Theme.header))
        var text = " Handrail  \(h.login) (\(h.role.rawValue))  platform: \(h.platform)"
        if !h.identityVerified { text += "  [identities not verified]" }
        if h.demo { text += "  [DEMO TENANT]" }
        if let training = model.training { text += "  TRAINING: " + training.title }
        screen.put(TerminalText.safe(text), row: 0, column: 0, style: Theme.header)
        let db = "db: " + TerminalText.safe(h.database) + " "
        let room = model.width - TerminalText.width(of: text) - 2
        if room > 8 {
            let shown = TerminalText.width(of: db) > room ? "…" + String(db.suffix(room - 1)) : db
            screen.put(shown, row: 0, column: model.width - TerminalText.width(of: shown), style: Theme.header)
        }
    }

    /// The key line. Hints are separated by two spaces; when they do not all fit, the last two
    /// (help, and back or quit) are kept and the others fill what room is left, in order.
    static func drawFooter(_ hints: String, _ model: WizardModel, _ screen: inout Screen) {
        screen.fill(row: model.height - 1, column: 0, height: 1, width: model.width, with: Cell(" ", Theme.header))
        screen.put(fitHints(hints, width: model.width), row: model.height - 1, column: 0, style: Theme.header)
    }

    static func fitHints(_ hints: String, width: Int) -> String {
        if TerminalText.width(of: hints) <= width { return hints }
        let items = hints.components(separatedBy: "  ").map { $0.trimmingBlanks() }.filter { !$0.isEmpty }
        let kept = Array(items.suffix(2))
        var middle: [String] = []
        for item in items.dropLast(2) {
            let line = " " + (middle + [item] + kept).joined(separator: "  ")
            if TerminalText.width(of: line) <= width { middle.append(item) }
        }
        return TerminalText.truncate(" " + (middle + kept).joined(separator: "  "), to: width)
    }

    static func time(_ date: Date) -> String {
        let text = EventTimeText.format(date)
        return String(text.prefix(16)).replacingOccurrences(of: "T", with: " ")
    }
}

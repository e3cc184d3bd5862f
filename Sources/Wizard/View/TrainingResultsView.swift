import Terminal

/// Senior admins: every trainee's attempts, newest first — result, outcome against the
/// expected one, and the decisive moments missed.
enum TrainingResultsView {
    static func draw(_ model: WizardModel, _ theme: Theme, _ screen: inout Screen) {
        screen.put("Training results", row: 2, column: 1, style: Theme.title)
        screen.put("TRAINEE      SCENARIO                  RESULT      OUTCOME (EXPECTED)         MISSED", row: 4, column: 1, style: Theme.title)
        if model.trainingResults.isEmpty {
            screen.put("No training attempts yet (handrail train SCENARIO).", row: 6, column: 2, style: Theme.hint)
        }
        for (i, r) in model.trainingResults.prefix(max(0, model.height - 8)).enumerated() {
            var line = TerminalText.truncate(TerminalText.safe(r.trainee), to: 12).padding(toLength: 13, withPad: " ", startingAt: 0)
            line += TerminalText.truncate(TerminalText.safe(r.scenario), to: 25).padding(toLength: 26, withPad: " ", startingAt: 0)
            line += (r.passed ? "passed" : "NOT PASSED").padding(toLength: 12, withPad: " ", startingAt: 0)
            line += TerminalText.truncate(TerminalText.safe("\(r.outcome) (\(r.expected))"), to: 26).padding(toLength: 27, withPad: " ", startingAt: 0)
            line += TerminalText.safe(r.missed.joined(separator: ", "))
            screen.put(TerminalText.truncate(line, to: model.width - 2), row: 5 + i, column: 1, style: r.passed ? .plain : Theme.warning)
        }
        Wizard.drawFooter(" Esc back  F1 help", model, &screen)
    }
}

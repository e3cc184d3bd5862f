import Casework
import Engine
import Foundation
import Runbook
import Terminal

/// The wizard for screen-reader users: line by line, one prompt at a time, no redraws. It is not
/// a second wizard. It runs the full screen's own `WizardRuntime` (the same model, `Wizard.update`,
/// effects carried out through `CaseDesk`) on a terminal that draws nothing, turns each line typed
/// into the keys the full screen would have been given (a choice's number into Space, arrows and
/// Enter; an action's letter into the actions menu and that letter), and says what the model then
/// holds with `PlainView`. So every gate, refusal, confirmation and secret dialog is the full
/// screen's, decided the same way, and the actions are the actions menu's letters.
///
/// Where the prompts stand is the only state of its own (`Stage`): which field is being asked,
/// or the checklist, or which part of a dialog.
public final class PlainSession {
    /// The prompt the next line answers.
    enum Stage: Equatable {
        case queue
        case field(String)
        case checklist
        case status
        case dialog(Dialog)
    }

    /// The part of a dialog being asked.
    enum Dialog: Equatable {
        case signal, reason, confirmEmail, confirmReason, secrets, fact(Int), leave, newCase, subjectCases, other
    }

    let runtime: WizardRuntime
    let output: PlainOutput
    private(set) var stage: Stage = .queue
    /// The case, step and status last announced: a change is said once, when it happens.
    private var announced: String?
    private var lastFlash: String?
    private var flashes: [String] = []
    /// The longest line taken (the decoder's limit), for the message about a longer one.
    let lineLimit: Int

    public var finished: Bool { runtime.model.quitting }

    public init(desk: CaseDesk, actor: Actor, header: HeaderInfo, signals: [(id: String, label: String)], output: PlainOutput,
                lineLimit: Int = LineDecoder().limit) {
        runtime = WizardRuntime(terminal: SilentTerminal(), desk: desk, actor: actor, header: header, signals: signals)
        self.output = output
        self.lineLimit = lineLimit
    }

    var model: WizardModel { runtime.model }

    /// Announces the mode, carries out the first effects (load the queue; a new case) and asks the first prompt.
    public func start(_ effects: [WizardEffect]) {
        say(PlainView.intro(model.header))
        runtime.start(effects)
        capture()
        settle(force: true)
    }

    /// One line typed (or piped) in.
    public func handle(_ line: LineDecoder.Line) {
        guard !finished else { return }
        if let problem = line.problem {
            say([PlainView.problem(problem, limit: lineLimit)])
            prompt()
            return
        }
        let text = line.text.trimmingBlanks()
        switch stage {
        case .queue: queueLine(text)
        case .field(let id): fieldLine(text, id)
        case .checklist: checklistLine(text)
        case .status: statusLine(text)
        case .dialog(let dialog): dialogLine(text, dialog)
        }
        settle(force: false)
    }

    /// No more input (Ctrl-D, the end of a pipe): the case is let go, as when the full screen quits.
    public func endOfInput() {
        guard !finished else { return }
        say(["End of input: leaving. Everything recorded stays recorded."])
        // As when the connection drops: the case on screen is let go at once.
        runtime.terminate(0)
    }

    /// SIGHUP (the connection dropped), SIGTERM or Ctrl-C: the case is let go at once, as the full screen does.
    public func terminate(_ signal: Int32) {
        runtime.terminate(signal)
    }

    // MARK: - Keys into the full screen's update

    private func press(_ keys: Key...) { press(keys) }

    private func press(_ keys: [Key]) {
        for key in keys {
            // The full screen clears its bottom line on a key outside a dialog (Wizard.handle):
            // the same words said again after that are news again.
            if model.modal == nil { lastFlash = nil }
            runtime.handle(key)
            capture()
        }
    }

    /// Keeps each new line of feedback (the full screen's bottom line) to be said once.
    private func capture() {
        let flash = model.flash
        if let flash, flash != lastFlash { flashes.append(flash) }
        lastFlash = flash
    }

    /// Replaces the text of the focused input (a field's, a dialog's) with `text`, as typed.
    private func replaceText(_ text: String) {
        press(.control("e"), .control("u"))
        guard !text.isEmpty else { return }
        press(.paste(text))
        // A dialog's input says under itself that it cut a long text (a field says it on the bottom line).
        if let note = model.modal?.note, note.hasPrefix("Pasted text cut") { say([note]) }
    }

    /// Runs an action of the case by its letter in the actions menu.
    private func action(_ letter: Character) {
        guard let screen = model.caseScreen else { return }
        let menu = CaseUpdate.menu(screen)
        if letter == "h" { say(PlainView.help); return }
        guard menu.contains(where: { $0.letter == letter }) else {
            say(["Problem: \(letter) is not an action now."] + PlainView.actions(screen))
            return
        }
        press(.function(1), .character(letter))
    }

    // MARK: - Lines, by prompt

    private func queueLine(_ text: String) {
        let rows = model.queue.visibleRows
        let words = text.split(separator: " ", maxSplits: 1).map(String.init)
        switch words.first?.lowercased() {
        case nil:
            press(.character("g"))
        case "?", "h":
            say(PlainView.help)
        case "q":
            press(.character("q"))
        case "n":
            press(.character("n"))
            if words.count > 1 {
                replaceText(words[1])
                press(.enter)
            }
        case "list":
            guard words.count > 1, let n = Int(words[1]), (1...QueueModel.Tab.allCases.count).contains(n) else {
                say(["Problem: list takes a number from 1 to \(QueueModel.Tab.allCases.count)."])
                return
            }
            press(.character(Character(String(n))))
        case let word? where Int(word) != nil:
            guard let n = Int(word), rows.indices.contains(n - 1) else {
                say(["Problem: no case \(word) in this list" + (rows.isEmpty ? "." : "; type 1 to \(rows.count).")])
                return
            }
            press(Array(repeating: Key.up, count: model.queue.selected) + Array(repeating: Key.down, count: n - 1) + [.enter])
        case let word? where word.uppercased().hasPrefix("HR-"):
            for message in runtime.execute(.openCase(word.uppercased())) { runtime.dispatch(message) }
            runtime.catchUp()
            capture()
        default:
            say(["Problem: not understood at the queue."])
        }
    }

    /// `?`, `?x`, and (where letters are not answers) the letter alone: the case's actions.
    private func caseCommand(_ text: String, lettersAlone: Bool) -> Bool {
        guard let screen = model.caseScreen else { return false }
        var letter: Character?
        if text == "?" { say(PlainView.actions(screen)); return true }
        if text.count == 2, text.first == "?" { letter = text.last }
        if lettersAlone, text.count == 1 { letter = text.first }
        guard let letter = letter?.lowercased().first else { return false }
        if letter == "q" { press(.escape); return true }
        action(letter)
        return true
    }

    private func fieldLine(_ text: String, _ id: String) {
        guard let screen = model.caseScreen, screen.editable, let field = screen.formFields.first(where: { $0.id == id }) else {
            stage = .checklist
            return
        }
        if caseCommand(text, lettersAlone: false) { return }
        if !text.isEmpty {
            focus(field.id)
            switch field.kind {
            case .choice:
                let chosen = Int(text).map { $0 - 1 }
                    ?? field.options.firstIndex { $0.value.lowercased() == text.lowercased() || $0.label.lowercased() == text.lowercased() }
                guard let chosen, field.options.indices.contains(chosen) else {
                    say(["Problem: not one of the choices; type a number from 1 to \(field.options.count)."])
                    return
                }
                // The full screen's list: Space opens it, the arrows move, Enter picks.
                press(.character(" "))
                guard case .choose(_, _, let options)? = model.modal?.kind else { return }
                press(Array(repeating: Key.up, count: options.count) + Array(repeating: Key.down, count: chosen) + [.enter])
            case .yesno:
                switch text.lowercased() {
                case "y", "yes": press(.character("y"))
                case "n", "no": press(.character("n"))
                default:
                    say(["Problem: type y for yes or n for no."])
                    return
                }
            default:
                replaceText(text)
            }
        }
        next(after: field.id)
    }

    /// Moves the form's focus to `id`, with the keys the full screen moves it by.
    private func focus(_ id: String) {
        guard let screen = model.caseScreen, let index = screen.formFields.firstIndex(where: { $0.id == id }) else { return }
        let delta = index - screen.focus
        press(Array(repeating: delta > 0 ? Key.tab : Key.backTab, count: abs(delta)))
    }

    /// The field after `id` in the form as it now stands (evidence fields come and go with the method), else the checklist.
    private func next(after id: String) {
        guard let fields = model.caseScreen?.formFields, let index = fields.firstIndex(where: { $0.id == id }), index + 1 < fields.count else {
            stage = .checklist
            return
        }
        stage = .field(fields[index + 1].id)
    }

    private func checklistLine(_ text: String) {
        guard let screen = model.caseScreen else { return }
        if text.isEmpty { press(.function(5)); return }
        if let n = Int(text) {
            let fields = screen.formFields
            guard fields.indices.contains(n - 1) else {
                say(["Problem: " + (fields.isEmpty ? "this step has no fields." : "no field \(n); type 1 to \(fields.count).")])
                return
            }
            stage = .field(fields[n - 1].id)
            return
        }
        if !caseCommand(text, lettersAlone: true) { say(["Problem: not understood at the checklist; ? lists the actions."]) }
    }

    private func statusLine(_ text: String) {
        guard let screen = model.caseScreen else { return }
        if text.isEmpty {
            if screen.state.status == .awaitingEnrolment, screen.presentation.offers(.observeEnrolment) {
                press(.function(10))
            } else {
                runtime.refreshIfChanged()
                capture()
                announced = nil
            }
            return
        }
        if !caseCommand(text, lettersAlone: true) { say(["Problem: not understood; ? lists the actions."]) }
    }

    // MARK: - Dialogs

    private func dialogLine(_ text: String, _ dialog: Dialog) {
        guard let modal = model.modal else { return }
        if text == "?q" {
            if case .secrets = modal.kind {
                say(["Problem: the secrets are shown once; read them out, then press Enter."])
                return
            }
            press(.escape)
            if model.modal != nil { press(.escape) }
            say(["Cancelled."])
            return
        }
        if text == "?" {
            say(["In this dialog: answer the prompt; ?q cancels it."])
            return
        }
        switch (dialog, modal.kind) {
        case (.signal, .reason):
            if !text.isEmpty {
                guard let n = Int(text), model.signals.indices.contains(n - 1) else {
                    say(["Problem: type a number from 1 to \(model.signals.count)."])
                    return
                }
                if modal.focusSecond { press(.tab) }
                let count = model.signals.count
                press(Array(repeating: Key.right, count: (n - 1 - modal.signalIndex + count) % count))
            }
            stage = .dialog(.reason)
        case (.reason, .reason(let purpose)):
            if !(model.modal?.focusSecond ?? true), model.modal?.kindIsRefusal == true { press(.tab) }
            if !text.isEmpty { replaceText(text) }
            if purpose == .reissueSecret, let refusal = secretRefusal(producing: true) {
                press(.escape)
                say([refusal])
                return
            }
            submit()
        case (.confirmEmail, .confirmStep):
            if model.modal?.focusSecond == true { press(.tab) }
            replaceText(text)
            stage = .dialog(.confirmReason)
        case (.confirmReason, .confirmStep(let stepID, _, _)):
            if model.modal?.focusSecond == false { press(.tab) }
            if !text.isEmpty { replaceText(text) }
            if let refusal = secretRefusal(stepID) {
                press(.escape)
                say([refusal])
                return
            }
            submit()
        case (.secrets, .secrets):
            press(.enter)
        case (.fact(let i), .facts(let prompts, _, _)):
            let count = max(1, modal.fields.count)
            press(Array(repeating: Key.tab, count: (i - modal.fieldFocus + count) % count))
            if !text.isEmpty { replaceText(text) }
            if i + 1 < prompts.count {
                stage = .dialog(.fact(i + 1))
            } else {
                submit()
            }
        case (.leave, .confirmLeave):
            switch text.lowercased() {
            case "y", "yes": press(.character("y"))
            case "n", "no": press(.escape)
            default: say(["Problem: type y to leave or n to stay."])
            }
        case (.newCase, .newCase):
            replaceText(text)
            submit()
        case (.subjectCases, .subjectCases(_, let rows)):
            // The full screen's list: line 0 opens a new case anyway, the others open that case.
            if !text.isEmpty {
                guard let n = Int(text), (0...rows.count).contains(n) else {
                    say(["Problem: type 0 for a new case, or " + Self.numbers(rows.count) + " for that case."])
                    return
                }
                press(Array(repeating: Key.up, count: modal.selected) + Array(repeating: Key.down, count: n))
            }
            press(.enter)
        default:
            press(.escape)
        }
    }

    /// Enter in a dialog; a dialog that comes back (refused: a reason too short, a wrong email) is asked again from its start.
    private func submit() {
        press(.enter)
        if let modal = model.modal, let error = modal.error {
            say(["Problem: " + error])
            stage = .dialog(Self.firstPart(of: modal))
            announcedDialog = nil
        }
    }

    /// A step that generates a one-time secret runs only where the secret can be shown on the
    /// operator's terminal (never on the output): asked before anything is decided.
    private func secretRefusal(_ stepID: String) -> String? {
        guard let step = model.caseScreen?.runbook.step(stepID), let name = step.action?.name else { return nil }
        return secretRefusal(producing: PlatformAction(rawValue: name)?.producesSecret == true)
    }

    /// The same for a command that hands out a secret (a lost one's reissue).
    private func secretRefusal(producing secret: Bool) -> String? {
        guard secret, !output.canShowSecrets, runtime.desk.platform.actsItself else { return nil }
        return "Problem: this step shows a one-time secret, which goes to your terminal only (never to this output), and this session "
            + "has no controlling terminal. Nothing was done; run handrail --plain from a terminal."
    }

    /// "1", or "a number from 1 to n": how the numbers of a list are asked for.
    static func numbers(_ count: Int) -> String {
        count == 1 ? "1" : "a number from 1 to \(count)"
    }

    static func firstPart(of modal: Modal) -> Dialog {
        switch modal.kind {
        case .reason: return modal.kindIsRefusal ? .signal : .reason
        case .confirmStep: return .confirmEmail
        case .secrets: return .secrets
        case .facts: return .fact(0)
        case .confirmLeave: return .leave
        case .newCase: return .newCase
        case .subjectCases: return .subjectCases
        default: return .other
        }
    }

    // MARK: - Saying what the model now holds

    private var announcedDialog: Modal?
    private var announcedFacts: [String] = []
    /// The prompt a dialog was opened from: asked again when the dialog closes.
    private var beforeDialog: Stage?

    /// After a line: the feedback, what changed (a new case, step or status; a dialog), then the next prompt.
    private func settle(force: Bool) {
        // Messages are read, not acknowledged: a screen reader has them in the output.
        while let modal = model.modal {
            switch modal.kind {
            case .message(let title, let lines):
                say([title + ":"] + lines)
                press(.enter)
            case .history(let entries):
                // The list is read out whole, oldest first; nothing in it waits for an answer.
                say(["History, every event of the case, oldest first:"] + entries.map { "  " + $0.line })
                press(.escape)
            case .actions, .choose, .export:
                press(.escape)
            default:
                break
            }
            if model.modal == modal { break }
        }
        if !flashes.isEmpty {
            say(flashes.map { text in
                model.caseScreen.map { PlainView.lettersForKeys(text, CaseUpdate.menu($0)) } ?? text
            })
            flashes = []
        }
        if finished {
            say(["Goodbye."])
            return
        }
        switch model.route {
        case .queue:
            // A dialog over the queue that closed (a new case refused, the caller's cases cancelled): the queue is asked again.
            let dialogClosed: Bool = if case .dialog = stage, model.modal == nil { true } else { false }
            if announced != "queue" || force || dialogClosed {
                announced = "queue"
                stage = .queue
            }
        case .caseScreen:
            guard let screen = model.caseScreen else { break }
            let key = "\(screen.state.caseID) \(screen.state.currentStep) \(screen.state.status)"
            if announced != key {
                announced = key
                say(PlainView.caseAnnouncement(screen))
                announcedFacts = PlainView.facts(screen)
                stage = firstStage(screen)
            } else if case .dialog = stage, model.modal == nil {
                // Back to the prompt the dialog was opened from, if it still asks something.
                if case .field(let id)? = beforeDialog, screen.formFields.contains(where: { $0.id == id }) {
                    stage = .field(id)
                } else {
                    stage = screen.editable ? (beforeDialog == .checklist || screen.formFields.isEmpty ? .checklist : firstStage(screen)) : .status
                }
            } else if case .field(let id) = stage, !screen.formFields.contains(where: { $0.id == id }) {
                stage = .checklist
            }
            // Facts typed (ManualConsole) or read again: said when they change.
            if PlainView.facts(screen) != announcedFacts {
                announcedFacts = PlainView.facts(screen)
                say(announcedFacts)
            }
        case .audit, .trainingResults:
            press(.escape)
            say(["The audit log and training results are commands in plain mode: handrail audit, handrail train."])
            announced = nil
            settle(force: true)
            return
        }
        if let modal = model.modal {
            if announcedDialog.map({ !Self.sameDialog($0, modal) }) ?? true {
                announcedDialog = modal
                if case .dialog = stage {} else { beforeDialog = stage }
                stage = .dialog(Self.firstPart(of: modal))
                say(dialogIntro(modal))
                if case .secrets(let secrets) = modal.kind { showSecrets(secrets) }
            }
        } else {
            announcedDialog = nil
        }
        prompt()
    }

    static func sameDialog(_ a: Modal, _ b: Modal) -> Bool {
        switch (a.kind, b.kind) {
        case (.reason(let x), .reason(let y)): return x == y
        case (.confirmStep(let x, _, _), .confirmStep(let y, _, _)): return x == y
        case (.secrets(let x), .secrets(let y)): return x == y
        case (.facts, .facts), (.confirmLeave, .confirmLeave), (.newCase, .newCase): return true
        case (.subjectCases(let x, _), .subjectCases(let y, _)): return x == y
        default: return false
        }
    }

    private func firstStage(_ screen: CaseScreenModel) -> Stage {
        guard screen.editable else { return .status }
        return screen.formFields.first.map { .field($0.id) } ?? .checklist
    }

    private func dialogIntro(_ modal: Modal) -> [String] {
        switch modal.kind {
        case .reason(let purpose):
            // Why the signal and reason were chosen for the operator; not the cut-text note, said when it happened.
            var lines = ["Dialog: \(purpose.title)."] + (modal.note.map { $0.hasPrefix("Pasted") ? [] : [$0] } ?? [])
            if purpose == .attest || purpose == .attestFailed, let path = model.caseScreen?.step?.consolePath {
                lines.append("In the admin console: \(path).")
            }
            return lines
        case .confirmStep(_, let title, _): return ["Dialog: confirm \(title). This acts on the user's account."]
        case .secrets: return ["One-time secrets: shown on your terminal only, never in this output and never stored."]
        case .facts(let prompts, let needed, let newFactor):
            return [newFactor ? "Dialog: the new factor, as the admin console shows it." : "Dialog: facts from the admin console, \(prompts.count) of them"
                    + (needed.isEmpty ? "." : "; this step needs: " + needed.joined(separator: ", ") + ".")]
        case .confirmLeave(let title, let lines, _): return [title] + lines.filter { !$0.contains("Esc") }
        case .newCase: return ["Dialog: a new case."]
        case .subjectCases(let subject, let rows):
            return ["Dialog: \(subject) already has cases. Look at these first: a second case for the same request splits the call's record.",
                    "  0. Open a new case for \(subject) anyway"]
                + rows.enumerated().map { i, row in
                    "  \(i + 1). \(row.id): \(PeopleWords.status(row.status))" + (row.holder.map { ", held by \($0)" } ?? "")
                        + ", at \(row.stepTitle), updated \(Wizard.time(row.updated))"
                }
        default: return []
        }
    }

    private func showSecrets(_ secrets: [String]) {
        let lines = ["Shown once, never stored (read them out to the user now):"] + secrets.map { "  " + $0 }
        if output.showSecrets(lines) {
            say(["They are on your terminal now."])
        } else {
            say(["Problem: there is no terminal to show them on; they were not shown anywhere."])
        }
    }

    /// The prompt the next line answers.
    func prompt() {
        switch stage {
        case .queue:
            say(PlainView.queue(model) + [PlainView.queuePrompt(model)])
        case .field(let id):
            guard let screen = model.caseScreen, let field = screen.formFields.first(where: { $0.id == id }) else { return }
            say(PlainView.fieldPrompt(screen, field))
        case .checklist:
            guard let screen = model.caseScreen, let step = screen.step else { return }
            say(PlainView.checklist(screen, step))
        case .status:
            guard let screen = model.caseScreen else { return }
            say(PlainView.status(screen))
        case .dialog(let dialog):
            say(dialogPrompt(dialog))
        }
    }

    private func dialogPrompt(_ dialog: Dialog) -> [String] {
        guard let modal = model.modal else { return [] }
        switch (dialog, modal.kind) {
        case (.signal, _):
            var lines = ["Which signal?"]
            for (i, signal) in model.signals.enumerated() { lines.append("  \(i + 1). \(signal.label)") }
            let current = model.signals.indices.contains(modal.signalIndex) ? model.signals[modal.signalIndex].label : ""
            lines.append("Type a number from 1 to \(model.signals.count); Enter keeps \(modal.signalIndex + 1), \(current).")
            return lines
        case (.reason, .reason(let purpose)):
            let word = purpose == .note ? "note" : "reason"
            let now = modal.input.text
            if purpose == .attest, now.isEmpty { return ["Type what you did in the console, then Enter."] }
            return now.isEmpty ? ["Type the \(word), then Enter."]
                : ["The \(word) now: " + now, "Type a new \(word), or Enter keeps this one."]
        case (.confirmEmail, _):
            return ["Type the user's email to confirm (typed, not copied):"]
        case (.confirmReason, .confirmStep(let stepID, _, _)):
            let label = model.caseScreen?.runbook.step(stepID)?.reasonField.flatMap { id in model.caseScreen?.step?.fields.first { $0.id == id }?.label }
                ?? "Reason"
            let now = modal.secondInput.text
            return now.isEmpty ? ["\(label): type it, then Enter does it."] : ["\(label) now: " + now, "Type a new one, or Enter keeps it and does it."]
        case (.secrets, _):
            return ["Press Enter when you have read them out."]
        case (.fact(let i), .facts(let prompts, _, _)):
            guard prompts.indices.contains(i) else { return [] }
            let p = prompts[i]
            var lines = ["Fact \(i + 1) of \(prompts.count): \(p.description).", "Console: \(p.consoleScreen). For example: \(p.example)"
                + (p.multiple ? " (several separated by ;)" : "") + "."]
            let now = modal.fields.indices.contains(i) ? modal.fields[i].text : ""
            lines.append(now.isEmpty ? "Type it, or Enter leaves it untyped." : "Now: \(now). Type a new value, or Enter keeps it.")
            return lines
        case (.leave, _):
            return ["Type y to leave, n to stay."]
        case (.newCase, _):
            return ["The caller's email:"]
        case (.subjectCases, .subjectCases(_, let rows)):
            let chosen = modal.selected == 0 ? "a new case" : rows.indices.contains(modal.selected - 1) ? rows[modal.selected - 1].id : "a new case"
            return ["Type 0 for a new case anyway, or " + Self.numbers(rows.count) + " to open that case; Enter opens \(chosen); ?q cancels."]
        default:
            return []
        }
    }

    private func say(_ lines: [String]) {
        for line in lines { output.line(PlainView.text(line)) }
    }
}

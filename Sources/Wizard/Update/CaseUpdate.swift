import Engine
import Runbook
import Terminal

/// Keys on the case wizard: moving through the form, editing fields, continuing, and the
/// actions that are one key away from every step (refuse, note, pause, signal…).
enum CaseUpdate {
    /// Gates a dangerous step's confirmation dialog takes care of.
    static let confirmationGates: Set<String> = ["confirmationMatchesSubject", "reasonNamesVerification", "reasonGiven"]

    /// Whether a failing line of a dangerous step's checklist is one its confirmation dialog
    /// asks for (the typed email, the reason), rather than one that blocks Continue.
    static func confirmedInDialog(_ failure: CheckOutcome, step: Step) -> Bool {
        guard step.dangerous else { return false }
        if confirmationGates.contains(failure.name) { return true }
        return step.fields.contains { ($0.confirmsSubject || $0.id == step.reasonField) && failure.name == "field.\($0.id)" }
    }

    static func handle(_ key: Key, _ model: inout WizardModel) -> [WizardEffect] {
        guard var screen = model.caseScreen else { model.route = .queue; return [.loadQueue] }
        // Leaving the case drops it from the model; every other key writes the edited screen back.
        defer { if model.route == .caseScreen { model.caseScreen = screen } }
        let caseID = screen.state.caseID
        let presentation = screen.presentation
        let fields = screen.formFields
        let focused = screen.focusedField

        func require(_ command: CaseCommandKind, _ then: () -> [WizardEffect]) -> [WizardEffect] {
            guard presentation.offers(command) else {
                model.flash = "Not available now (\(screen.state.status.rawValue)); available: "
                    + presentation.actions.map { "\($0.key) \($0.label)" }.joined(separator: ", ")
                model.flashIsError = true
                return []
            }
            return then()
        }
        func ask(_ purpose: Modal.Purpose, _ command: CaseCommandKind) -> [WizardEffect] {
            require(command) {
                model.modal = Modal(kind: .reason(purpose: purpose))
                return []
            }
        }

        switch key {
        case .escape:
            model.route = .queue
            model.caseScreen = nil
            return [.releaseCase(caseID), .loadQueue]
        case .character("q") where focused == nil || !isText(focused!):
            model.route = .queue
            model.caseScreen = nil
            return [.releaseCase(caseID), .loadQueue]
        case .character("?") where focused == nil || !isText(focused!):
            model.showHelp = true
            return []
        case .tab, .down:
            screen.focus = min(max(0, fields.count - 1), screen.focus + 1)
            return []
        case .backTab, .up:
            screen.focus = max(0, screen.focus - 1)
            return []
        case .pageUp:
            screen.historyOffset = min(max(0, screen.snapshot.history.count - 1), screen.historyOffset + 5)
            return []
        case .pageDown:
            screen.historyOffset = max(0, screen.historyOffset - 5)
            return []
        case .control("g"):
            guard let step = screen.step else { return [] }
            var lines = step.guidance.split(separator: "\n").map(String.init)
            if let path = step.consolePath { lines += ["", "Console: " + path] }
            model.modal = Modal(kind: .message(title: step.title, lines: lines))
            return []
        case .enter where focused != nil && screen.focus < fields.count - 1:
            screen.focus += 1
            return []
        case .enter, .control("s"), .function(5):
            return continueStep(&screen, &model)
        case .control("r"), .function(8): return ask(.refuse, .refuse)
        case .control("e"): return ask(.signal, .raiseSignal)
        case .control("n"), .function(6): return ask(.note, .note)
        case .control("p"), .function(7):
            if screen.state.status == .paused {
                return require(.resume) { [.perform(caseID: caseID, command: .resume)] }
            }
            return ask(.pause, .pause)
        case .control("a"), .function(9):
            if presentation.offers(.approve) { return ask(.approve, .approve) }
            return ask(.requestApproval, .requestApproval)
        case .control("d"): return ask(.deny, .deny)
        case .control("u"): return ask(.uphold, .uphold)
        case .control("o"): return ask(.reopen, .reopen)
        case .control("x"): return ask(.incident, .declareIncident)
        case .control("v"): return ask(.restartVerification, .restartVerification)
        case .control("w"), .function(10):
            return require(.observeEnrolment) { [.perform(caseID: caseID, command: .observeEnrolment)] }
        case .function(let n) where model.training != nil && TrainingPane.keys.contains { $0.key == n }:
            if let topic = TrainingPane.keys.first(where: { $0.key == n })?.topic {
                model.training?.reveal(topic)
                if model.training?.script[topic] == nil { model.flash = "The caller has nothing to say about that." }
            }
            return []
        case .control("t"):
            return require(.attest) { [.resumePendingAction(caseID: caseID)] }
        default:
            break
        }
        guard let field = focused else { return [] }
        var input = screen.inputs[field.id] ?? TextInput()
        switch field.kind {
        case .choice:
            let options = field.options.map(\.value)
            let index = options.firstIndex(of: input.text)
            switch key {
            case .right, .character(" "):
                input = TextInput(options[((index ?? -1) + 1) % options.count])
            case .left:
                input = TextInput(options[((index ?? 0) + options.count - 1) % options.count])
            default:
                return []
            }
        case .yesno:
            switch key {
            case .character("y"), .character("Y"): input = TextInput("yes")
            case .character("n"), .character("N"): input = TextInput("no")
            case .character(" "), .left, .right: input = TextInput(input.text == "yes" ? "no" : "yes")
            default: return []
            }
        default:
            guard input.handle(key) else { return [] }
        }
        screen.inputs[field.id] = input
        screen.reevaluate()
        // Evidence fields appear and disappear with the method; keep the focus on this field.
        screen.focus = screen.formFields.firstIndex { $0.id == field.id } ?? screen.focus
        return []
    }

    static func isText(_ field: Field) -> Bool {
        field.kind != .choice && field.kind != .yesno
    }

    /// Continue: visibly refused with what is missing, a confirmation dialog for a dangerous
    /// step, else the step is submitted.
    static func continueStep(_ screen: inout CaseScreenModel, _ model: inout WizardModel) -> [WizardEffect] {
        guard let step = screen.step, screen.editable, let evaluation = screen.evaluation else {
            model.flash = screen.state.status == .awaitingEnrolment
                ? "Waiting for the user to enrol: ^W checks the platform now"
                : "Nothing to continue: the case is \(screen.state.status.rawValue)"
            model.flashIsError = true
            return []
        }
        let blocking = evaluation.failures.filter { !confirmedInDialog($0, step: step) }
        if !blocking.isEmpty {
            // A gate whose refusals are audit (an unacceptable verification method) is put to the
            // Engine, which records the attempt and refuses it; the rest are refused here. In
            // training every gate is put to the Engine, so that the coach sees the refusal and the
            // debrief can name the gate that stopped the trainee (a missing field stays local).
            let audited = Set(step.checks.filter { $0.onRefusal != nil }.map(\.name))
            if blocking.contains(where: { audited.contains($0.name) || (model.training != nil && !$0.name.hasPrefix("field.")) }) {
                return [.perform(caseID: screen.state.caseID, command: .submit(step: step.id, values: screen.values))]
            }
            model.flash = "Cannot continue: " + blocking.map(\.label).joined(separator: "; ")
                + (blocking.count == 1 ? " (" + blocking[0].message + ")" : " — see ✗ above")
            model.flashIsError = true
            return []
        }
        if step.dangerous {
            let reason = step.reasonField.flatMap { screen.inputs[$0]?.text } ?? ""
            var modal = Modal(kind: .confirmStep(step: step.id, title: step.title, warning: step.guidance), input: "", secondInput: reason)
            modal.focusSecond = false
            model.modal = modal
            return []
        }
        return [.perform(caseID: screen.state.caseID, command: .submit(step: step.id, values: screen.values))]
    }
}

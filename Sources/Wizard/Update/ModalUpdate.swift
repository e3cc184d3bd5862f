import Engine
import Terminal

/// Keys in a dialog: typing, moving between its inputs, Enter to do it, Esc to cancel.
enum ModalUpdate {
    static func handle(_ key: Key, _ model: inout WizardModel) -> [WizardEffect] {
        guard var modal = model.modal else { return [] }
        switch modal.kind {
        case .secrets:
            // Acknowledged with Enter only, so a stray key cannot dismiss codes not yet read out.
            if key == .enter { model.modal = nil }
            return []
        case .message:
            if key == .enter || key == .escape { model.modal = nil }
            return []
        default:
            break
        }
        if key == .escape {
            model.modal = nil
            return []
        }
        let hasSecond: Bool = if case .confirmStep = modal.kind { true } else { false }
        switch key {
        case .tab where hasSecond, .backTab where hasSecond, .down where hasSecond, .up where hasSecond:
            modal.focusSecond.toggle()
            model.modal = modal
            return []
        case .left where modal.kindIsRefusal && model.signals.count > 0 && modal.input.text.isEmpty,
             .up where modal.kindIsRefusal && model.signals.count > 0:
            modal.signalIndex = (modal.signalIndex + model.signals.count - 1) % model.signals.count
        case .right where modal.kindIsRefusal && model.signals.count > 0 && modal.input.text.isEmpty,
             .down where modal.kindIsRefusal && model.signals.count > 0:
            modal.signalIndex = (modal.signalIndex + 1) % model.signals.count
        case .tab, .backTab:
            guard case .export(let format) = modal.kind else { break }
            // One dialog for both formats: Tab switches, and the file's extension follows.
            let other = format == "csv" ? "json" : "csv"
            modal.kind = .export(format: other)
            let path = modal.input.text
            if path.hasSuffix("." + format) { modal.input = TextInput(String(path.dropLast(format.count)) + other) }
        case .enter:
            model.modal = nil
            // A reason the Engine refuses (too short, say) comes back in its dialog, still typed.
            if case .reason = modal.kind { model.submittedModal = modal } else { model.submittedModal = nil }
            let effects = submit(modal, &model)
            return effects
        default:
            if modal.focusSecond { _ = modal.secondInput.handle(key) } else { _ = modal.input.handle(key) }
            modal.error = nil
        }
        model.modal = modal
        return []
    }

    static func submit(_ modal: Modal, _ model: inout WizardModel) -> [WizardEffect] {
        let text = modal.input.text
        switch modal.kind {
        case .newCase:
            return [.newCase(subject: text)]
        case .export(let format):
            return [.exportAudit(AuditUpdate.filter(model.audit), format: format, path: text)]
        case .confirmStep(let stepID, _, _):
            guard var screen = model.caseScreen, let step = screen.step, step.id == stepID else { return [] }
            for field in step.fields where field.confirmsSubject { screen.inputs[field.id] = TextInput(text) }
            if let reasonField = step.reasonField { screen.inputs[reasonField] = modal.secondInput }
            screen.reevaluate()
            model.caseScreen = screen
            if let failure = screen.evaluation?.failures.first {
                var again = modal
                again.error = "\(failure.label): \(failure.message)"
                model.modal = again
                return []
            }
            return [.perform(caseID: screen.state.caseID, command: .submit(step: stepID, values: screen.values))]
        case .reason(let purpose):
            guard let caseID = model.caseScreen?.state.caseID else { return [] }
            let signal = model.signals.indices.contains(modal.signalIndex) ? model.signals[modal.signalIndex].id : ""
            let command: CaseCommand
            switch purpose {
            case .refuse: command = .refuse(signal: signal, reason: text)
            case .signal: command = .raiseSignal(signal: signal, reason: text)
            case .note: command = .addNote(text)
            case .pause: command = .pause(reason: text)
            case .uphold: command = .review(.uphold, reason: text)
            case .reopen: command = .review(.reopen, reason: text)
            case .approve: command = .approve(reason: text)
            case .deny: command = .denyApproval(reason: text)
            case .requestApproval: command = .requestApproval(reason: text)
            case .incident: command = .declareIncident(reason: text)
            case .restartVerification: command = .restartVerification(reason: text)
            case .attest: return [.attest(caseID: caseID, text: text, failed: false)]
            case .attestFailed: return [.attest(caseID: caseID, text: text, failed: true)]
            }
            return [.perform(caseID: caseID, command: command)]
        case .secrets, .message:
            return []
        }
    }
}

extension Modal {
    var kindIsRefusal: Bool {
        if case .reason(let purpose) = kind { return purpose.choosesSignal }
        return false
    }
}

import Casework
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
            // Back to the list it was opened from (a history line shown whole), if any.
            if key == .enter || key == .escape { model.modal = modal.underneath.first }
            return []
        case .subjectCases(let subject, let rows):
            switch key {
            case .escape: model.modal = nil; return []
            case .up, .backTab: modal.selected = max(0, modal.selected - 1)
            case .down, .tab: modal.selected = min(rows.count, modal.selected + 1)
            case .enter:
                model.modal = nil
                return modal.selected == 0 ? [.newCase(subject: subject)] : [.openCase(rows[modal.selected - 1].id)]
            default: break
            }
            model.modal = modal
            return []
        case .history(let entries):
            switch key {
            case .escape, .character("q"): model.modal = nil; return []
            case .up, .backTab: modal.selected = max(0, modal.selected - 1)
            case .down, .tab: modal.selected = min(max(0, entries.count - 1), modal.selected + 1)
            case .pageUp: modal.selected = max(0, modal.selected - 10)
            case .pageDown: modal.selected = min(max(0, entries.count - 1), modal.selected + 10)
            case .home: modal.selected = 0
            case .end: modal.selected = max(0, entries.count - 1)
            case .enter where entries.indices.contains(modal.selected):
                let entry = entries[modal.selected]
                var whole = Modal(kind: .message(title: entry.title, lines: entry.full))
                whole.underneath = [modal]
                model.modal = whole
                return []
            default: break
            }
            model.modal = modal
            return []
        case .confirmLeave(_, _, let then):
            if key == .escape || key == .character("n") { model.modal = modal.underneath.first; return [] }
            guard key == .enter || key == .character("y") else { return [] }
            model.modal = nil
            switch then {
            case .quit:
                model.quitting = true
                if model.route == .caseScreen, let id = model.caseScreen?.state.caseID { return [.releaseCase(id), .quit] }
                return [.quit]
            case .queue:
                let id = model.caseScreen?.state.caseID
                model.route = .queue
                model.caseScreen = nil
                return (id.map { [WizardEffect.releaseCase($0)] } ?? []) + [.loadQueue]
            }
        case .actions(let items):
            return menu(key, items, &modal, &model)
        case .facts:
            return facts(key, &modal, &model)
        case .choose(let fieldID, _, let options):
            return choose(key, fieldID, options, &modal, &model)
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
        // A refusal's signal is a visible list with its own focus: Tab (or ↑/↓ between the list and
        // the reason) moves the focus, and ↑/↓ in the list, or ←/→ as in every other choice, picks.
        // In the reason, every key edits it: nothing typed there changes the signal.
        case .tab where modal.kindIsRefusal, .backTab where modal.kindIsRefusal:
            modal.focusSecond.toggle()
        case .down where modal.kindIsRefusal && modal.focusSecond == false && model.signals.count > 0,
             .right where modal.kindIsRefusal && modal.focusSecond == false && model.signals.count > 0:
            if key == .down && modal.signalIndex == model.signals.count - 1 { modal.focusSecond = true } else {
                modal.signalIndex = (modal.signalIndex + 1) % model.signals.count
            }
        case .up where modal.kindIsRefusal && modal.focusSecond == false && model.signals.count > 0,
             .left where modal.kindIsRefusal && modal.focusSecond == false && model.signals.count > 0:
            modal.signalIndex = (modal.signalIndex + model.signals.count - 1) % model.signals.count
        case .up where modal.kindIsRefusal && modal.focusSecond:
            modal.focusSecond = false
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
            switch modal.kind {
            case .reason, .export: model.submittedModal = modal
            default: model.submittedModal = nil
            }
            let effects = submit(modal, &model)
            return effects
        default:
            let limit = TextInput.defaultLimit
            if modal.kindIsRefusal && !modal.focusSecond {
                // Typing in the signal list goes to the reason (the list takes no text).
                switch key {
                case .character, .paste: modal.focusSecond = true
                default: break
                }
                if !modal.focusSecond { break }
            }
            let second = modal.focusSecond && !modal.kindIsRefusal
            if second { _ = modal.secondInput.handle(key, limit: limit) } else { _ = modal.input.handle(key, limit: limit) }
            let dropped = second ? modal.secondInput.dropped : modal.input.dropped
            modal.note = dropped > 0 ? "Pasted text cut at \(limit) characters (\(dropped) left out)" : nil
            modal.error = nil
            // Another name is another question: a replacement is confirmed for one path only.
            modal.replaceConfirmed = nil
        }
        model.modal = modal
        return []
    }

    static func submit(_ modal: Modal, _ model: inout WizardModel) -> [WizardEffect] {
        let text = modal.input.text
        switch modal.kind {
        case .newCase:
            return [.lookUpSubject(text)]
        case .export(let format):
            let path = AuditUpdate.exportPath(text, folder: model.audit.exportFolder)
            return [.exportAudit(AuditUpdate.filter(model.audit), format: format, path: path, replace: modal.replaceConfirmed == path)]
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
            case .clearPriorCases: command = .clearPriorCases(reason: text)
            case .takeOver: command = .takeOver(reason: text)
            case .reissueSecret: command = .reissueSecret(reason: text)
            case .attest: return [.attest(caseID: caseID, text: text, failed: false)]
            case .attestFailed: return [.attest(caseID: caseID, text: text, failed: true)]
            }
            return [.perform(caseID: caseID, command: command)]
        case .secrets, .message, .confirmLeave, .actions, .facts, .choose, .history, .subjectCases:
            return []
        }
    }

    /// The options that match the filter typed (in label or value, any case).
    static func filtered(_ options: [Modal.ChoiceItem], _ filter: String) -> [Modal.ChoiceItem] {
        let needle = filter.lowercased()
        guard !needle.isEmpty else { return options }
        return options.filter { $0.label.lowercased().contains(needle) || $0.value.lowercased().contains(needle) }
    }

    /// The choice list: ↑/↓ move, typing filters, Enter picks, Esc leaves the choice as it was.
    static func choose(_ key: Key, _ fieldID: String, _ options: [Modal.ChoiceItem], _ modal: inout Modal,
                       _ model: inout WizardModel) -> [WizardEffect] {
        let shown = filtered(options, modal.input.text)
        switch key {
        case .escape:
            model.modal = nil
            return []
        case .up, .backTab: modal.selected = max(0, modal.selected - 1)
        case .down, .tab: modal.selected = min(max(0, shown.count - 1), modal.selected + 1)
        case .enter:
            guard shown.indices.contains(modal.selected), var screen = model.caseScreen else { return [] }
            model.modal = nil
            screen.inputs[fieldID] = TextInput(shown[modal.selected].value)
            screen.reevaluate()
            screen.focus = screen.formFields.firstIndex { $0.id == fieldID } ?? screen.focus
            model.caseScreen = screen
            return []
        default:
            _ = modal.input.handle(key, limit: 100)
            modal.selected = 0
        }
        model.modal = modal
        return []
    }

    /// The actions menu: ↑/↓ and Enter, or an action's letter; Esc closes it.
    static func menu(_ key: Key, _ items: [ActionMenuItem], _ modal: inout Modal, _ model: inout WizardModel) -> [WizardEffect] {
        var chosen: ActionMenuItem?
        switch key {
        case .escape, .function(1), .character("?"):
            model.modal = nil
            return []
        case .up, .backTab: modal.selected = (modal.selected + items.count - 1) % max(1, items.count)
        case .down, .tab: modal.selected = (modal.selected + 1) % max(1, items.count)
        case .enter: chosen = items.indices.contains(modal.selected) ? items[modal.selected] : nil
        case .character(let c): chosen = items.first { $0.letter == c }
        default: break
        }
        guard let chosen else { model.modal = modal; return [] }
        model.modal = nil
        guard var screen = model.caseScreen else { return [] }
        let effects = CaseUpdate.run(chosen.action, &screen, &model)
        if model.route == .caseScreen { model.caseScreen = screen }
        return effects
    }

    /// The facts form: Tab/↑/↓ between facts, readline keys in each, Enter records what was typed.
    static func facts(_ key: Key, _ modal: inout Modal, _ model: inout WizardModel) -> [WizardEffect] {
        guard case .facts(let prompts, _, let newFactor) = modal.kind else { return [] }
        let changed = modal.fields.indices.filter { modal.fields[$0].text != modal.original[$0] }
        switch key {
        case .escape:
            if !changed.isEmpty && modal.error == nil && modal.note != "Esc again discards what you typed" {
                modal.note = "Esc again discards what you typed"
                model.modal = modal
                return []
            }
            model.modal = nil
            return []
        case .tab, .down:
            modal.fieldFocus = (modal.fieldFocus + 1) % max(1, modal.fields.count)
        case .backTab, .up:
            modal.fieldFocus = (modal.fieldFocus + max(1, modal.fields.count) - 1) % max(1, modal.fields.count)
        case .enter:
            guard !changed.isEmpty, let caseID = model.caseScreen?.state.caseID else {
                modal.error = "Type at least one fact (the focused one's console screen and an example are shown below)"
                model.modal = modal
                return []
            }
            var values: [String: String] = [:]
            for i in changed { values[prompts[i].key] = modal.fields[i].text.isEmpty ? "none" : modal.fields[i].text }
            model.modal = nil
            model.submittedModal = modal
            return [.recordFacts(caseID: caseID, values: values, thenObserve: newFactor)]
        default:
            guard modal.fields.indices.contains(modal.fieldFocus) else { break }
            _ = modal.fields[modal.fieldFocus].handle(key, limit: 500)
            modal.note = modal.fields[modal.fieldFocus].dropped > 0 ? "Pasted text cut at 500 characters" : nil
            modal.error = nil
        }
        model.modal = modal
        return []
    }
}

extension Modal {
    var kindIsRefusal: Bool {
        if case .reason(let purpose) = kind { return purpose.choosesSignal }
        return false
    }
}

import Casework
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

    /// Which action a key asks for on the case screen. Function keys and the actions menu never
    /// collide with editing; the few control keys kept beside them (^S, ^R, ^G, ^N, ^P, ^O, ^D,
    /// ^X, ^V, ^T) are none of the line-editing keys a text field takes (Ctrl-A/E/U/K/W, Alt-B/F).
    static func action(for key: Key, _ screen: CaseScreenModel, training: Bool) -> ActionMenuItem.Action? {
        let presentation = screen.presentation
        switch key {
        case .control("s"), .function(5): return .command(.continueStep)
        case .control("r"), .function(8): return .command(.refuse)
        case .control("n"), .function(6): return .command(.note)
        case .control("p"), .function(7): return .command(screen.state.status == .paused ? .resume : .pause)
        case .function(9): return .command(presentation.offers(.approve) ? .approve : .requestApproval)
        case .control("d"): return .command(.deny)
        case .control("o"): return .command(.reopen)
        case .control("x"): return .command(.declareIncident)
        case .control("v"): return .command(.restartVerification)
        case .control("t"): return .command(.attest)
        case .function(10): return .command(.observeEnrolment)
        case .function(2) where !training:
            return screen.state.status == .awaitingEnrolment ? .newFactor : .facts
        case .control("g"): return .guidance
        default: return nil
        }
    }

    /// The actions menu: every action available now, in the order an operator reaches for them.
    static func menu(_ screen: CaseScreenModel) -> [ActionMenuItem] {
        var items: [ActionMenuItem] = []
        let order: [CaseCommandKind] = [.takeOver, .continueStep, .observeEnrolment, .reissueSecret, .refuse, .uphold, .reopen, .approve, .deny, .attest,
                                        .requestApproval, .clearPriorCases, .confirmFacts, .note, .pause, .resume, .raiseSignal,
                                        .restartVerification, .declareIncident]
        let factsItem: ActionMenuItem? = screen.snapshot.factPrompts.isEmpty || screen.state.status == .closed ? nil
            : screen.state.status == .awaitingEnrolment
            ? ActionMenuItem(letter: "f", label: "I see the new factor (type it from the console)", key: "F2", action: .newFactor)
            : ActionMenuItem(letter: "f", label: "type facts from the admin console", key: "F2", action: .facts)
        for kind in order {
            guard let action = screen.presentation.actions.first(where: { $0.command.kind == kind }) else { continue }
            if items.contains(where: { $0.letter == action.menuLetter }) { continue }
            items.append(ActionMenuItem(letter: action.menuLetter, label: action.label,
                                        key: action.key.hasPrefix("F") ? action.key : nil, action: .command(kind)))
            if kind == .continueStep || kind == .observeEnrolment, let factsItem, !items.contains(factsItem) { items.append(factsItem) }
        }
        if let factsItem, !items.contains(factsItem) { items.insert(factsItem, at: 0) }
        if screen.step != nil { items.append(ActionMenuItem(letter: "g", label: "the step's whole guidance", key: "^G", action: .guidance)) }
        items.append(ActionMenuItem(letter: "l", label: "the case's history, any line shown whole", key: nil, action: .history))
        items.append(ActionMenuItem(letter: "h", label: "every key of this screen", key: nil, action: .help))
        return items
    }

    static func handle(_ key: Key, _ model: inout WizardModel) -> [WizardEffect] {
        guard var screen = model.caseScreen else { model.route = .queue; return [.loadQueue] }
        // Leaving the case drops it from the model; every other key writes the edited screen back.
        defer { if model.route == .caseScreen { model.caseScreen = screen } }
        let fields = screen.formFields
        let focused = screen.focusedField
        let inText = focused.map(isText) ?? false

        // A text field with the focus takes every editing key first: nothing typed there runs an action.
        if let field = focused, inText, TextInput.isEditing(key) {
            return edit(field, key, &screen, &model)
        }
        if let action = action(for: key, screen, training: model.training != nil) {
            return run(action, &screen, &model)
        }
        switch key {
        case .escape, .character("q"):
            return leave(&screen, &model)
        case .function(1), .character("?"):
            model.modal = Modal(kind: .actions(menu(screen)))
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
        case .enter where focused != nil && screen.focus < fields.count - 1:
            screen.focus += 1
            return []
        case .enter:
            return run(.command(.continueStep), &screen, &model)
        case .function(let n) where model.training != nil && TrainingPane.keys.contains { $0.key == n }:
            if let topic = TrainingPane.keys.first(where: { $0.key == n })?.topic {
                model.training?.reveal(topic)
                if model.training?.script[topic] == nil { model.flash = "The caller has nothing to say about that." }
            }
            return []
        default:
            break
        }
        guard let field = focused else { return [] }
        return edit(field, key, &screen, &model)
    }

    /// Whether anything typed on the form differs from what it was filled with.
    static func hasTypedInput(_ screen: CaseScreenModel) -> Bool {
        guard screen.editable, let step = screen.step else { return false }
        let prefill = CaseEngine.prefill(step: step, state: screen.state, context: screen.snapshot.context)
        return screen.inputs.contains { id, input in !input.text.isEmpty && input.text != (prefill[id] ?? "") }
    }

    /// Back to the queue, asking first when that would drop what was typed.
    static func leave(_ screen: inout CaseScreenModel, _ model: inout WizardModel) -> [WizardEffect] {
        if hasTypedInput(screen) {
            model.modal = Modal(kind: .confirmLeave(title: "Leave this case?", lines: [
                "What you typed on this step is not recorded yet and will be lost.",
                "Enter leaves the case; Esc stays.",
            ], then: .queue))
            return []
        }
        let caseID = screen.state.caseID
        model.route = .queue
        model.caseScreen = nil
        return [.releaseCase(caseID), .loadQueue]
    }

    /// Carries out an action from a key or the menu.
    static func run(_ action: ActionMenuItem.Action, _ screen: inout CaseScreenModel, _ model: inout WizardModel) -> [WizardEffect] {
        let caseID = screen.state.caseID
        let presentation = screen.presentation
        func require(_ command: CaseCommandKind, _ then: () -> [WizardEffect]) -> [WizardEffect] {
            guard presentation.offers(command) else {
                model.flash = "Not available now (the case is \(PeopleWords.status(screen.state.status))); available: "
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
        switch action {
        case .help:
            model.showHelp = true
            return []
        case .history:
            var modal = Modal(kind: .history(historyEntries(screen)))
            modal.selected = max(0, screen.snapshot.history.count - 1)
            model.modal = modal
            return []
        case .guidance:
            guard let step = screen.step else { return [] }
            var lines = step.guidance.split(separator: "\n").map(String.init)
            if let path = step.consolePath { lines += ["", "Console: " + path] }
            model.modal = Modal(kind: .message(title: step.title, lines: lines))
            return []
        case .facts, .newFactor:
            let prompts = screen.snapshot.factPrompts
            guard !prompts.isEmpty else {
                model.flash = "This platform reads its facts itself: there is nothing to type."
                model.flashIsError = true
                return []
            }
            model.modal = factsForm(screen, newFactor: action == .newFactor)
            return []
        case .command(let kind):
            switch kind {
            case .continueStep: return continueStep(&screen, &model)
            case .refuse: return require(.refuse) { model.modal = refusal(.refuse, screen, model); return [] }
            case .raiseSignal: return require(.raiseSignal) { model.modal = refusal(.signal, screen, model); return [] }
            case .note: return ask(.note, .note)
            case .pause: return ask(.pause, .pause)
            case .resume: return require(.resume) { [.perform(caseID: caseID, command: .resume)] }
            case .approve: return ask(.approve, .approve)
            case .requestApproval: return ask(.requestApproval, .requestApproval)
            case .deny: return ask(.deny, .deny)
            case .uphold: return ask(.uphold, .uphold)
            case .reopen: return ask(.reopen, .reopen)
            case .declareIncident: return ask(.incident, .declareIncident)
            case .restartVerification: return ask(.restartVerification, .restartVerification)
            case .clearPriorCases: return ask(.clearPriorCases, .clearPriorCases)
            case .confirmFacts:
                // Which fact and which value is typed on the command line, where it is recorded with the reason.
                model.flash = "Confirm a typed fact with: handrail case do \(caseID) confirm-fact KEY=VALUE --reason \"what you checked\""
                return []
            case .takeOver: return ask(.takeOver, .takeOver)
            case .reissueSecret: return ask(.reissueSecret, .reissueSecret)
            case .observeEnrolment: return require(.observeEnrolment) { [.perform(caseID: caseID, command: .observeEnrolment)] }
            case .attest, .attestFailed: return require(.attest) { [.resumePendingAction(caseID: caseID)] }
            case .migrateRunbook:
                // A case whose runbook changed is not shown on a screen: the command line moves it.
                model.flash = "Moving a case to the current runbook is done on the command line: handrail case migrate-runbook \(caseID) --reason TEXT"
                model.flashIsError = true
                return []
            }
        }
    }

    /// The case's events for the history list: each a line (time, who, what, why) and, whole,
    /// everything it records — the reason unwrapped and the values typed, under their labels.
    static func historyEntries(_ screen: CaseScreenModel) -> [Modal.HistoryEntry] {
        var labels: [String: String] = [:]
        for step in screen.runbook.steps { for field in step.fields where labels[field.id] == nil { labels[field.id] = field.label } }
        return screen.snapshot.history.map { stored in
            let e = stored.event
            let time = EventTimeText.format(e.time).prefix(19).replacingOccurrences(of: "T", with: " ")
            var line = "\(time.dropFirst(5).prefix(11)) \(e.actor) \(PeopleWords.event(e, runbook: screen.runbook))"
            if let reason = e.reason { line += ": " + reason }
            var full = ["\(time) UTC, by \(e.actor): \(PeopleWords.event(e, runbook: screen.runbook))",
                        "In the audit log: #\(stored.seq), \(e.type)"]
            if let reason = e.reason { full += ["", "Reason: " + reason] }
            if case .object(let values)? = e.payload["values"], !values.isEmpty {
                full.append("")
                for (key, value) in values.sorted(by: { $0.key < $1.key }) {
                    full.append("\(labels[key] ?? key): \(value.stringValue ?? value.exportText)")
                }
            }
            return Modal.HistoryEntry(line: line, title: "Event #\(stored.seq)", full: full)
        }
    }

    /// The refusal (or signal) dialog, with the signal of the gate that is failing pre-selected and
    /// the reason pre-filled from it: a failing gate that reads the platform's sign-ins is the
    /// platform's signal (unusual activity); any other failing gate of the step is "cannot verify".
    /// With nothing failing, nothing is guessed: the first signal, an empty reason, the list focused.
    static func refusal(_ purpose: Modal.Purpose, _ screen: CaseScreenModel, _ model: WizardModel) -> Modal {
        var modal = Modal(kind: .reason(purpose: purpose))
        let gates = (screen.evaluation?.failures ?? []).filter { !$0.name.hasPrefix("field.") && !$0.name.hasPrefix("fact.") }
            .filter { !$0.message.hasPrefix("not typed yet") }
        let signals = screen.runbook.refusalSignals
        func reads(_ outcome: CheckOutcome, _ fact: PlatformFact) -> Bool {
            CheckCatalog.check(named: outcome.name)?.inputs.facts.contains { $0.fact == fact.rawValue } ?? false
        }
        var chosen: (signal: String, gate: CheckOutcome)?
        if let gate = gates.first(where: { reads($0, .signIns) }), let signal = signals.first(where: { $0.source == .platform }) {
            chosen = (signal.id, gate)
        } else if let gate = gates.first, let signal = signals.first(where: { $0.id == "cannot_verify" }) ?? signals.first {
            chosen = (signal.id, gate)
        }
        if let chosen, let index = model.signals.firstIndex(where: { $0.id == chosen.signal }) {
            modal.signalIndex = index
            modal.input = TextInput("\(chosen.gate.label): \(chosen.gate.message)")
            modal.focusSecond = true
            modal.note = "Chosen from the failing check \"\(chosen.gate.label)\"; change it if it is not why."
        }
        return modal
    }

    /// The facts form: the facts the step needs first, then the rest; each input starts with the
    /// value typed so far. The "new factor" form asks for the enrolled factor and the sign-in that
    /// enrolled it (read from the console's sign-in log), which its gate judges.
    static func factsForm(_ screen: CaseScreenModel, newFactor: Bool) -> Modal {
        let all = screen.snapshot.factPrompts
        let needed = screen.snapshot.missingFactKeys
        var prompts: [FactPrompt]
        if newFactor {
            prompts = [PlatformFact.factors, .enrolmentSignIn].compactMap { fact in all.first { $0.key == fact.rawValue } }
            // The example is now: a factor enrolled before the reset is not the new one.
            let now = EventTimeText.format(screen.snapshot.context.now).prefix(16)
            prompts = prompts.map { var p = $0; if p.key == PlatformFact.factors.rawValue { p.example = "totp:Pixel 9@\(now)" }; return p }
        } else {
            prompts = all.filter { needed.contains($0.key) } + all.filter { !needed.contains($0.key) }
        }
        let typed = screen.snapshot.typedFactValues
        var modal = Modal(kind: .facts(prompts: prompts, needed: needed, newFactor: newFactor))
        modal.original = prompts.map { newFactor ? "" : (typed[$0.key] ?? "") }
        modal.fields = modal.original.map { TextInput($0) }
        return modal
    }

    /// A key for the focused field: text editing, a choice or a yes/no.
    static func edit(_ field: Field, _ key: Key, _ screen: inout CaseScreenModel, _ model: inout WizardModel) -> [WizardEffect] {
        var input = screen.inputs[field.id] ?? TextInput()
        switch field.kind {
        case .choice:
            let options = field.options.map(\.value)
            let index = options.firstIndex(of: input.text)
            switch key {
            case .character(" "), .character(_), .paste:
                // The whole list, with the unacceptable marked; a letter typed starts its filter.
                var modal = Modal(kind: .choose(fieldID: field.id, title: field.label, options: field.options.map {
                    Modal.ChoiceItem(value: $0.value, label: $0.label, acceptable: $0.acceptable)
                }))
                if case .character(let c) = key, c != " " { modal.input = TextInput(String(c)) }
                if case .paste(let text) = key { modal.input = TextInput(text) }
                modal.selected = modal.input.text.isEmpty ? (index ?? 0) : 0
                model.modal = modal
                return []
            case .right:
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
            guard input.handle(key, limit: field.maxLength ?? TextInput.defaultLimit) else { return [] }
            if input.dropped > 0 {
                model.flash = "Pasted text cut at this field's limit of \(field.maxLength ?? TextInput.defaultLimit) characters (\(input.dropped) left out)"
                model.flashIsError = true
            }
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
                ? "Waiting for the user to enrol: F10 checks the platform now"
                : "Nothing to continue: the case is \(PeopleWords.status(screen.state.status))"
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
            let untyped = blocking.filter { $0.name.hasPrefix("fact.") || $0.message.hasPrefix("not typed yet") }
            if !untyped.isEmpty {
                model.flash = "Type the facts from the admin console first (F2 opens the form): "
                    + untyped.map(\.label).joined(separator: "; ")
                model.flashIsError = true
                return []
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

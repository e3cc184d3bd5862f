import Casework
import Engine
import Foundation
import Runbook
import Terminal

/// The wizard as two pure functions, Elm-style: `update(model, message) -> (model, effects)` and
/// `view(model) -> Screen`. Everything the operator can do goes through here, so the screens
/// can be driven and asserted without a terminal.
public enum Wizard {
    /// The review tab's summaries, read after the frame a screenful at a time: the rows on screen
    /// first (a screen never shows more rows than it is high), the rest after the next frame.
    static func summarise(_ rows: [QueueModel.Row], _ model: WizardModel) -> [WizardEffect] {
        rows.isEmpty ? [] : [.summariseReview(rows, screenful: max(1, model.height))]
    }

    public static func update(_ model: WizardModel, _ message: WizardMessage) -> (WizardModel, [WizardEffect]) {
        var next = model
        let effects = update(&next, message)
        return (next, effects)
    }

    public static func update(_ model: inout WizardModel, _ message: WizardMessage) -> [WizardEffect] {
        switch message {
        case .resized(let width, let height):
            model.width = width
            model.height = height
            // The audit page is what the screen holds: a taller screen shows more of the log.
            if model.route == .audit, AuditModel.pageSize(height: height) != model.audit.pageSize, !model.tooSmall {
                model.audit.pageSize = AuditModel.pageSize(height: height)
                model.audit.page = 0
                return [AuditUpdate.load(model.audit)]
            }
            return []
        case .queueLoaded(let rows):
            // A senior admin's first view is the review queue (refusals and approvals wait there).
            if model.queue.rows.isEmpty, model.header.role == .senior, !(rows[.review] ?? []).isEmpty { model.queue.tab = .review }
            model.queue.rows = rows
            model.queue.selected = min(model.queue.selected, max(0, model.queue.visibleRows.count - 1))
            return summarise(Array((rows[.review] ?? []).filter { $0.review == nil }.prefix(CaseReader.reviewSummaryLimit)), model)
        case .reviewSummariesLoaded(let summaries, let remaining):
            model.queue.rows[.review] = model.queue.rows[.review]?.map { row in
                var row = row
                row.review = summaries[row.id] ?? row.review
                return row
            }
            return summarise(remaining, model)
        case .subjectCases(let subject, let rows):
            // Nothing before: straight into the new case. Otherwise the caller's cases come first,
            // an open one selected (a second case for the same request is rarely what is wanted).
            guard !rows.isEmpty else { return [.newCase(subject: subject)] }
            var modal = Modal(kind: .subjectCases(subject: subject, rows: rows))
            modal.selected = rows.first { $0.status != .closed } != nil ? 1 : 0
            model.modal = modal
            return []
        case .caseLoaded(let snapshot):
            model.caseScreen = CaseScreenModel(snapshot: snapshot)
            model.route = .caseScreen
            if snapshot.state.status == .actionPending {
                model.flash = "A platform action was requested and its outcome is not recorded: press ?t (the actions menu, then t) to resume it"
                model.flashIsError = true
            }
            return []
        case .caseChanged(let snapshot):
            // Someone else wrote to the case: show it as it now is, keeping what is being typed.
            guard model.route == .caseScreen, model.caseScreen?.state.caseID == snapshot.state.caseID else { return [] }
            replaceSnapshot(&model, snapshot)
            model.flash = "The case changed elsewhere: shown as it now is" + (snapshot.history.last.map { " (\($0.event.type) by \($0.event.actor))" } ?? "")
            model.flashIsError = false
            return []
        case .commandFinished(let outcome, let snapshot):
            return commandFinished(&model, outcome, snapshot)
        case .auditLoaded(let rows, let hasMore):
            model.audit.rows = rows
            model.audit.hasMore = hasMore
            model.audit.selected = 0
            model.audit.error = nil
            return []
        case .verifyProgress(let fraction):
            model.audit.verifyProgress = fraction
            return []
        case .verifyFinished(let text, let ok):
            model.audit.verifyProgress = nil
            model.audit.verifyResult = text
            model.flash = ok ? "Audit chain intact" : "AUDIT CHAIN BROKEN"
            model.flashIsError = !ok
            return []
        case .exported(let count, let path):
            model.modal = Modal(kind: .message(title: "Exported", lines: ["\(count) event\(count == 1 ? "" : "s") written to", path]))
            model.flash = "Exported \(count) events to \(path)"
            model.flashIsError = false
            return []
        case .replicationChecked(let warning):
            model.replicationWarning = warning
            return []
        case .exportWouldReplace(let path):
            // Never replaced silently: the dialog comes back with the path, and Enter again replaces.
            guard var again = model.submittedModal else { return [] }
            model.submittedModal = nil
            again.replaceConfirmed = path
            again.error = "\(path) exists: Enter again replaces it, or change the name"
            model.modal = again
            return []
        case .failed(let text):
            model.submittedModal = nil
            model.flash = text
            model.flashIsError = true
            return []
        case .callerSays(let topic):
            model.training?.reveal(topic)
            return []
        case .trainingResultsLoaded(let rows):
            model.trainingResults = rows
            model.route = .trainingResults
            return []
        case .trainingFinished(let debrief):
            model.training?.debrief = debrief
            model.modal = Modal(kind: .message(title: "Debrief", lines: debrief))
            return []
        case .key(let key):
            return handle(key, &model)
        }
    }

    // MARK: - Keys

    static func handle(_ key: Key, _ model: inout WizardModel) -> [WizardEffect] {
        if key == .control("c") {
            // Ctrl-C quits, but never silently over what cannot be had again: one-time secrets on
            // screen, or a form with typed input. A second Ctrl-C in the question quits.
            if case .confirmLeave(_, _, .quit)? = model.modal?.kind {
                model.modal = nil
                return quit(&model)
            }
            if case .secrets? = model.modal?.kind {
                var question = Modal(kind: .confirmLeave(title: "Quit with secrets on screen?", lines: [
                    "The one-time secrets shown are never stored and cannot be shown again.",
                    "Enter (or Ctrl-C) quits anyway; Esc goes back to them.",
                ], then: .quit))
                question.underneath = [model.modal!]
                model.modal = question
                return []
            }
            let typedInForm = model.route == .caseScreen && model.caseScreen.map(CaseUpdate.hasTypedInput) == true
            if typedInForm || model.modal.map(Self.hasTypedText) == true {
                var question = Modal(kind: .confirmLeave(title: "Quit with typed input?", lines: [
                    "What you typed is not recorded yet and will be lost.",
                    "Enter (or Ctrl-C) quits; Esc stays.",
                ], then: .quit))
                question.underneath = model.modal.map { [$0] } ?? []
                model.modal = question
                return []
            }
            return quit(&model)
        }
        if key == .resize { return [] }
        // Nothing is drawn while the terminal is too small: keys typed blind are not acted on
        // (an Enter could otherwise continue a step nobody can see).
        if model.tooSmall { return [] }
        if model.showHelp {
            model.showHelp = false
            return []
        }
        if case .paste(let text) = key, !acceptsText(model) {
            // A paste where nothing takes text: its characters, one by one, as if typed.
            var effects: [WizardEffect] = []
            for ch in text { effects += handle(.character(ch), &model) }
            return effects
        }
        if model.modal != nil { return ModalUpdate.handle(key, &model) }
        if key == .function(1), model.route != .caseScreen {
            model.showHelp = true
            return []
        }
        model.flash = nil
        switch model.route {
        case .queue: return QueueUpdate.handle(key, &model)
        case .caseScreen: return CaseUpdate.handle(key, &model)
        case .audit: return AuditUpdate.handle(key, &model)
        case .trainingResults:
            if key == .escape || key == .character("q") {
                model.route = .queue
                return [.loadQueue]
            }
            if key == .character("?") { model.showHelp = true }
            return []
        }
    }

    static func quit(_ model: inout WizardModel) -> [WizardEffect] {
        model.quitting = true
        // Nothing to save (every decision is already committed), but the case is let go at
        // once rather than held from other operators until the lease runs out.
        if model.route == .caseScreen, let id = model.caseScreen?.state.caseID { return [.releaseCase(id), .quit] }
        return [.quit]
    }

    /// Whether a dialog holds typed text that leaving would lose.
    static func hasTypedText(_ modal: Modal) -> Bool {
        switch modal.kind {
        case .reason, .confirmStep, .newCase: return !modal.input.text.isEmpty || !modal.secondInput.text.isEmpty
        case .facts: return modal.fields.map(\.text) != modal.original
        default: return false
        }
    }

    /// Whether the key would land in a text input (a dialog's, the search, a text field).
    static func acceptsText(_ model: WizardModel) -> Bool {
        if let modal = model.modal {
            switch modal.kind {
            case .reason, .confirmStep, .newCase, .export, .facts, .choose: return true
            default: return false
            }
        }
        switch model.route {
        case .queue: return model.queue.searching
        case .audit: return true
        case .trainingResults: return false
        case .caseScreen: return model.caseScreen?.focusedField.map(CaseUpdate.isText) ?? false
        }
    }

    /// A new reading of the open case; a form at the same step keeps what was typed.
    static func replaceSnapshot(_ model: inout WizardModel, _ snapshot: CaseSnapshot) {
        let previous = model.caseScreen?.state
        let sameStep = previous?.caseID == snapshot.state.caseID && previous?.currentStep == snapshot.state.currentStep
            && previous?.status == snapshot.state.status
        let keepForm = sameStep ? model.caseScreen?.inputs : nil
        let keepFocus = model.caseScreen?.focus ?? 0
        let keepOffset = model.caseScreen?.historyOffset ?? 0
        var screen = CaseScreenModel(snapshot: snapshot)
        if let keepForm {
            // What the operator typed wins over the new prefill; prefilled values not yet touched follow the case.
            for (id, input) in keepForm { screen.inputs[id] = input }
            screen.reevaluate()
            screen.focus = min(keepFocus, max(0, screen.formFields.count - 1))
            screen.historyOffset = keepOffset
        }
        model.caseScreen = screen
        model.route = .caseScreen
    }

    // MARK: - Results

    static func commandFinished(_ model: inout WizardModel, _ outcome: CaseOutcome, _ snapshot: CaseSnapshot?) -> [WizardEffect] {
        if let snapshot {
            // Still at the same step (refused, or a note or signal recorded beside it): keep what
            // the operator typed. Half-typed text is not an event, but it must not vanish either.
            replaceSnapshot(&model, snapshot)
        }
        let submitted = model.submittedModal
        model.submittedModal = nil
        if let refusal = outcome.refusal {
            // "Not enrolled yet" is news, not an error to acknowledge: the ✗ line already shows it.
            if snapshot?.state.status == .awaitingEnrolment, refusal.kind == .gate, outcome.stored.isEmpty {
                model.flash = refusal.message
                model.flashIsError = true
                return []
            }
            if var again = submitted, outcome.stored.isEmpty, refusal.kind == .invalid || refusal.kind == .gate {
                again.error = refusal.message
                model.modal = again
                return []
            }
            // The failed checks say it all; the message would only repeat them.
            var lines = refusal.failedChecks.isEmpty ? [refusal.message] : refusal.failedChecks.map { "✗ \($0.label): \($0.message)" }
            if let recorded = outcome.stored.last { lines += ["", "The attempt is in the audit log (\(recorded.event.type), #\(recorded.seq))."] }
            model.modal = Modal(kind: .message(title: "Refused", lines: lines))
            return []
        }
        if !outcome.shownOnce.isEmpty {
            model.modal = Modal(kind: .secrets(outcome.shownOnce))
        } else if let instructions = outcome.instructions {
            model.modal = Modal(kind: .reason(purpose: .attest))
            model.flash = instructions
            model.flashIsError = false
        }
        if let last = outcome.stored.last {
            let words = model.caseScreen.map { PeopleWords.event(last.event, runbook: $0.runbook) } ?? last.event.type
            model.flash = "Recorded: \(words) (#\(last.seq))" + (outcome.linkedCase.map { "; opened linked case \($0)" } ?? "")
            model.flashIsError = false
        }
        // A checkpoint that did not reach a sink is shown, never dropped: the decision stands.
        if !outcome.anchorWarnings.isEmpty {
            model.flash = ([model.flash].compactMap { $0 } + outcome.anchorWarnings).joined(separator: " — ")
            model.flashIsError = true
        }
        return []
    }
}

import Casework
import Engine
import Foundation
import Runbook
import Terminal

/// The wizard as two pure functions, Elm-style: `update(model, message) -> (model, effects)` and
/// `view(model) -> Screen`. Everything the operator can do goes through here, so the screens
/// can be driven and asserted without a terminal.
public enum Wizard {
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
            model.queue.rows = rows
            model.queue.selected = min(model.queue.selected, max(0, model.queue.visibleRows.count - 1))
            return []
        case .caseLoaded(let snapshot):
            model.caseScreen = CaseScreenModel(snapshot: snapshot)
            model.route = .caseScreen
            if snapshot.state.status == .actionPending {
                model.flash = "A platform action was requested and its outcome is not recorded: press ^T to resume it"
                model.flashIsError = true
            }
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
        case .exported(let text):
            model.flash = text
            model.flashIsError = false
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
            model.quitting = true
            // Nothing to save (every decision is already committed), but the case is let go at
            // once rather than held from other operators until the lease runs out.
            if model.route == .caseScreen, let id = model.caseScreen?.state.caseID { return [.releaseCase(id), .quit] }
            return [.quit]
        }
        if key == .resize { return [] }
        // Nothing is drawn while the terminal is too small: keys typed blind are not acted on
        // (an Enter could otherwise continue a step nobody can see).
        if model.tooSmall { return [] }
        if model.showHelp {
            model.showHelp = false
            return []
        }
        if model.modal != nil { return ModalUpdate.handle(key, &model) }
        if key == .function(1) {
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

    // MARK: - Results

    static func commandFinished(_ model: inout WizardModel, _ outcome: CaseOutcome, _ snapshot: CaseSnapshot?) -> [WizardEffect] {
        if let snapshot {
            // Still at the same step (refused, or a note or signal recorded beside it): keep what
            // the operator typed. Half-typed text is not an event, but it must not vanish either.
            let previous = model.caseScreen?.state
            let sameStep = previous?.caseID == snapshot.state.caseID && previous?.currentStep == snapshot.state.currentStep
                && previous?.status == snapshot.state.status
            let keepForm = sameStep ? model.caseScreen?.inputs : nil
            let keepFocus = model.caseScreen?.focus ?? 0
            var screen = CaseScreenModel(snapshot: snapshot)
            if let keepForm {
                screen.inputs = keepForm
                screen.reevaluate()
                screen.focus = min(keepFocus, max(0, screen.formFields.count - 1))
            }
            model.caseScreen = screen
            model.route = .caseScreen
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
            model.flash = "Recorded \(last.event.type) (#\(last.seq))" + (outcome.linkedCase.map { "; opened linked case \($0)" } ?? "")
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

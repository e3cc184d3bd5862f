import Casework
import Engine
import Foundation
import Runbook
import Store
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
            model.flash = text
            model.flashIsError = true
            return []
        case .key(let key):
            return handle(key, &model)
        }
    }

    // MARK: - Keys

    static func handle(_ key: Key, _ model: inout WizardModel) -> [WizardEffect] {
        if key == .control("c") {
            model.quitting = true
            return [.quit]
        }
        if key == .resize { return [] }
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
        }
    }

    // MARK: - Results

    static func commandFinished(_ model: inout WizardModel, _ outcome: CaseOutcome, _ snapshot: CaseSnapshot?) -> [WizardEffect] {
        if let snapshot {
            let keepForm = outcome.stored.isEmpty ? model.caseScreen?.inputs : nil
            model.caseScreen = CaseScreenModel(snapshot: snapshot)
            if let keepForm {
                // Nothing was recorded (refused): keep what the operator typed.
                model.caseScreen?.inputs = keepForm
                model.caseScreen?.reevaluate()
            }
            model.route = .caseScreen
        }
        if let refusal = outcome.refusal {
            let lines = [refusal.message] + refusal.failedChecks.map { "✗ \($0.label): \($0.message)" }
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
        return []
    }
}

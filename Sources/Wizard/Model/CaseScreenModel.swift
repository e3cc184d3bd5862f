import Casework
import Engine
import Foundation
import Runbook

/// The case wizard: the case as last read, the current step's form as typed so far, which
/// field has the focus, and the live gate checklist computed from them.
public struct CaseScreenModel {
    public var snapshot: CaseSnapshot {
        didSet { presentation = CasePresentation(snapshot) }
    }
    /// The case as every screen presents it (rail, facts, actions), built once per snapshot.
    public private(set) var presentation: CasePresentation
    /// Everything typed into the current step's fields, by field id (choices and yes/no as their value).
    public var inputs: [String: TextInput] = [:]
    public var focus = 0
    /// The checklist for the form as it stands, recomputed after every change.
    public private(set) var evaluation: StepEvaluation?
    /// Lines of history scrolled past.
    public var historyOffset = 0

    public init(snapshot: CaseSnapshot) {
        self.snapshot = snapshot
        presentation = CasePresentation(snapshot)
        resetForm()
    }

    public var state: CaseState { snapshot.state }
    public var runbook: Runbook { snapshot.runbook }
    public var step: Step? { runbook.step(state.currentStep) }

    /// Whether the form can be edited now (the case is at a step waiting for the operator).
    public var editable: Bool {
        guard let step, !step.terminal, step.awaits == nil else { return false }
        return state.status == .open || state.status == .incident
    }

    /// Fills the form from the case's prefill (templates, earlier values) and re-evaluates.
    public mutating func resetForm() {
        inputs = [:]
        focus = 0
        historyOffset = 0
        if let step {
            for (id, value) in CaseEngine.prefill(step: step, state: state, context: snapshot.context) { inputs[id] = TextInput(value) }
        }
        reevaluate()
    }

    public var values: [String: String] { inputs.mapValues(\.text) }

    public mutating func reevaluate() {
        guard let step, !step.terminal else { evaluation = nil; return }
        evaluation = snapshot.evaluate(step: step, values: values)
    }

    /// The fields shown in the form: those visible for the current values, except the ones a
    /// dangerous step asks for in its confirmation dialog (the typed email and the reason).
    public var formFields: [Field] {
        guard let step, editable else { return [] }
        let visible = Set(evaluation?.visibleFields ?? step.fields.map(\.id))
        return step.fields.filter { field in
            visible.contains(field.id) && !(step.dangerous && (field.confirmsSubject || field.id == step.reasonField))
        }
    }

    public var focusedField: Field? {
        let fields = formFields
        return fields.indices.contains(focus) ? fields[focus] : nil
    }
}

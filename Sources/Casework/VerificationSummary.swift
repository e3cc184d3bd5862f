import Engine
import Foundation
import Runbook

/// The verification a senior admin approves or reviews on: the method in the runbook's words,
/// the evidence recorded with it (each field as labelled, each choice as its option reads), the
/// ticket, by whom and when. A senior asked to approve a privileged reset sees what it rests on
/// without opening the audit log.
public struct VerificationSummary: Sendable, Equatable {
    public struct Evidence: Sendable, Equatable {
        public var label: String
        public var value: String
    }

    public var method: String
    public var evidence: [Evidence]
    public var reference: String?
    public var by: String
    public var at: Date

    /// Nil when the case has no verification on record.
    init?(state: CaseState, runbook: Runbook) {
        guard let v = state.verification else { return nil }
        let step = runbook.step(runbook.start)
        let values = state.stepValues[runbook.start] ?? [:]
        let methodField = step?.fields.first { $0.id == VerificationField.method }
        method = methodField?.option(v.method)?.label ?? v.term
        reference = v.reference
        by = v.by
        at = v.at
        evidence = (step?.fields ?? []).compactMap { field in
            guard field.id != VerificationField.method, field.kind != .ticket || values[field.id] != v.reference,
                  let value = values[field.id], !value.isEmpty else { return nil }
            let shown = field.kind == .choice ? (field.option(value)?.label ?? value) : value
            return Evidence(label: field.label, value: shown)
        }
    }
}

import Foundation
import Runbook

/// The values `{{placeholders}}` in reason and follow-up templates are filled with,
/// composed from the case so the operator edits a draft instead of writing from nothing.
enum TemplateValues {
    static let names = ["subject.email", "subject.name", "operator.login", "case.id", "case.openedDate",
                        "case.actionsDone", "case.enrolmentSentence",
                        "verification.method", "verification.date", "verification.reference"]

    static func values(state: CaseState, facts: PlatformFacts, actor: Actor, runbook: Runbook, timeZone: TimeZone) -> [String: String] {
        var v: [String: String] = [
            "subject.email": state.subject,
            "subject.name": facts.user.displayName.isEmpty ? state.subject : facts.user.displayName,
            "operator.login": actor.login,
            "case.id": state.caseID,
            "case.openedDate": CalendarDay(state.openedAt, in: timeZone).description,
        ]
        let done = state.completedActions.compactMap { action in runbook.step(action.step)?.action?.done }
        v["case.actionsDone"] = done.isEmpty ? "made no change to your account" : Self.sentenceList(done)
        if let factor = state.enrolledFactor {
            v["case.enrolmentSentence"] = "You have since enrolled a new factor: \(factor.label) (\(factor.kind)), on \(CalendarDay(factor.enrolledAt, in: timeZone))."
        } else {
            v["case.enrolmentSentence"] = "At your next sign-in you will be asked to enrol a new factor."
        }
        if let verification = state.verification {
            v["verification.method"] = verification.term
            v["verification.date"] = CalendarDay(verification.at, in: timeZone).description
            v["verification.reference"] = verification.reference ?? "(no reference)"
        }
        // A pre-filled text must pass its own field's validation: whatever a value holds (a label
        // recorded raw by an older build, say), no control or invisible character reaches the draft.
        return v.mapValues { PlatformText.clean($0, limit: nil) }
    }

    /// "a", "a and b", "a, b and c".
    static func sentenceList(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}

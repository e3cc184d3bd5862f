import Foundation
import Runbook

/// Everything a gate may look at, handed in: the case so far, the values on the form,
/// the platform's facts, who is acting, and the time. A gate is a plain function of this.
public struct CheckContext: Sendable {
    public var runbook: Runbook
    public var step: Step
    public var state: CaseState
    /// The step's values, normalised; only fields that are shown and valid appear.
    public var values: [String: String]
    public var facts: PlatformFacts
    public var actor: Actor
    public var now: Date
    public var timeZone: TimeZone
    public var organisation: Organisation

    public var settings: RunbookSettings { runbook.settings }

    /// The step's reason text (its `reasonField`), if any.
    var reason: String? { step.reasonField.flatMap { values[$0] } }

    /// The verification method chosen on this step, or recorded earlier; nil for an
    /// unacceptable method (the method gate refuses those).
    var verificationMethod: VerificationMethod? {
        (values[VerificationField.method] ?? state.verification?.method).flatMap(VerificationMethod.init(rawValue:))
    }

    /// The method chosen on this step's form.
    var chosenMethod: VerificationMethod? {
        values[VerificationField.method].flatMap(VerificationMethod.init(rawValue:))
    }
}

/// A gate's verdict. `notApplicable` gates are left off the checklist (a call-back gate
/// when the caller was verified by video).
public enum CheckResult: Sendable, Equatable {
    case pass(String)
    /// Passes, with something the operator must see before going on (shown as a warning line).
    case warn(String)
    case fail(String)
    case notApplicable

    public var failed: Bool {
        if case .fail = self { return true }
        return false
    }
}

/// One line of a step's live checklist: a named gate or a field, passed or not, and why.
public struct CheckOutcome: Sendable, Equatable {
    public var name: String
    public var label: String
    public var passed: Bool
    public var message: String
    /// A passing line the operator must read (shown with "!", not "✓").
    public var warning: Bool

    public init(name: String, label: String, passed: Bool, message: String, warning: Bool = false) {
        self.name = name
        self.label = label
        self.passed = passed
        self.message = message
        self.warning = warning
    }
}

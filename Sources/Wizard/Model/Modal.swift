import Casework
import Engine

/// A dialog over the current screen. Dangerous actions, reasons and secrets are shown in one;
/// Esc cancels any of them except the secrets, which must be acknowledged.
public struct Modal: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Type the subject's email and confirm (or edit) the reason, then Enter runs the step.
        case confirmStep(step: String, title: String, warning: String)
        /// A reason for a case command (refuse, pause, uphold…).
        case reason(purpose: Purpose)
        /// A new case: the user's email.
        case newCase
        /// Generated codes or a temporary password: shown this once.
        case secrets([String])
        /// Information (a refusal, an instruction for the console).
        case message(title: String, lines: [String])
        /// Export the current audit view to a file.
        case export(format: String)
        /// ManualConsole: the admin console's facts typed in a form, one input per fact (`fields`).
        /// `newFactor`: the "I see the new factor" form at the enrolment wait, which checks the
        /// enrolment once the factor is recorded.
        case facts(prompts: [FactPrompt], needed: [String], newFactor: Bool)
        /// Every action available now, run by its letter or by Enter on the selection (`selected`).
        case actions([ActionMenuItem])
        /// A choice field's options as a list (`selected`), filtered by what is typed (`input`);
        /// options known to be unacceptable are marked.
        case choose(fieldID: String, title: String, options: [ChoiceItem])
        /// Leaving would lose something (typed input, secrets on screen): Enter leaves, Esc stays.
        case confirmLeave(title: String, lines: [String], then: LeaveTarget)
        /// The case's events, one line each (`selected`); Enter shows the selected one whole.
        case history([HistoryEntry])
        /// The caller already has cases: line 0 opens a new case anyway, the others open that case.
        case subjectCases(subject: String, rows: [QueueRow])
    }

    /// One event of a case's history: its line in the list and everything it says, whole.
    public struct HistoryEntry: Sendable, Equatable {
        public var line: String
        public var title: String
        public var full: [String]
    }

    /// One option of a choice, as the list shows it.
    public struct ChoiceItem: Sendable, Equatable {
        public var value: String
        public var label: String
        public var acceptable: Bool
    }

    /// Where a confirmed leave goes.
    public enum LeaveTarget: Sendable, Equatable {
        case queue, quit
    }

    /// What a reason modal is for.
    public enum Purpose: Sendable, Equatable {
        case refuse, signal, note, pause, uphold, reopen, approve, deny, requestApproval, incident, restartVerification, attest, attestFailed,
             clearPriorCases, takeOver, reissueSecret

        public var title: String {
            switch self {
            case .refuse: return "Refuse and escalate to a senior admin"
            case .signal: return "Raise a signal: the case goes to a senior admin"
            case .note: return "Add a note"
            case .pause: return "Pause the case"
            case .uphold: return "Uphold the refusal (the case closes)"
            case .reopen: return "Reopen the case"
            case .approve: return "Approve the privileged reset"
            case .deny: return "Deny the privileged reset"
            case .requestApproval: return "Request a senior admin's approval"
            case .incident: return "Declare an incident: the reset went to an attacker"
            case .restartVerification: return "Verify the caller again"
            case .attest: return "Attest what you did in the admin console"
            case .attestFailed: return "Say why the console action failed"
            case .clearPriorCases: return "Clear the prior refused cases: say what you checked"
            case .takeOver: return "Take the case over from whoever holds it (recorded)"
            case .reissueSecret: return "Issue the lost one-time secret again (the old one stops working)"
            }
        }

        /// Refusals and signals pick which signal.
        public var choosesSignal: Bool { self == .refuse || self == .signal }
    }

    public var kind: Kind
    /// The first text being typed (email, reason, note).
    public var input = TextInput()
    /// The second text (the reason, under a typed confirmation).
    public var secondInput = TextInput()
    public var focusSecond = false
    /// For refusals: the signal chosen, by index into the runbook's signals.
    public var signalIndex = 0
    public var error: String?
    /// Inputs of a form with more than two (the facts form), and which has the focus.
    public var fields: [TextInput] = []
    /// The values the form's inputs started with (what counts as typed is what differs).
    public var original: [String] = []
    public var fieldFocus = 0
    /// The selected line of a list (the actions menu).
    public var selected = 0
    /// The dialog a question was asked over (the secrets, under "quit anyway?"): back on Esc.
    public var underneath: [Modal] = []
    /// A note under the input (a paste cut at the field's limit).
    public var note: String?
    /// The export dialog: the file the operator was told exists, so that Enter again on the
    /// same path replaces it (and only then).
    public var replaceConfirmed: String?

    public init(kind: Kind, input: String = "", secondInput: String = "") {
        self.kind = kind
        self.input = TextInput(input)
        self.secondInput = TextInput(secondInput)
    }
}

import Engine
import Foundation
import Platform
import Runbook
import Store

/// A case as every screen presents it: the rail, the facts (each known or not yet known), the
/// current step's checklist as it would be decided with nothing typed, and the actions available
/// now with their key and command-line name. A pure value built from a snapshot; `case show`,
/// its `--json` and the wizard render this one value, so they cannot disagree about a case.
public struct CasePresentation {
    public var rail: [RailStep]
    public var facts: FactsSummary
    /// The current step judged on its pre-filled values; nil when the case is not at a step.
    public var evaluation: StepEvaluation?
    public var actions: [PresentedAction]
    /// Facts the platform still needs typed before the current step can be decided.
    public var missingFacts: [MissingFact]
    /// The verification on record, as a senior reviews or approves on it.
    public var verification: VerificationSummary?

    public init(_ snapshot: CaseSnapshot) {
        let state = snapshot.state
        let runbook = snapshot.runbook
        rail = state.railSteps(in: runbook).map { RailStep(step: $0, state: state) }
        facts = FactsSummary(snapshot)
        if snapshot.factsProblem == nil, [.open, .incident, .awaitingEnrolment].contains(state.status), let step = runbook.step(state.currentStep), !step.terminal {
            let values = CaseEngine.prefill(step: step, state: state, context: snapshot.context)
            evaluation = snapshot.evaluate(step: step, values: values)
        }
        actions = snapshot.factsProblem != nil ? []
            : CaseEngine.availableCommands(state: state, context: snapshot.context).map(PresentedAction.init)
        missingFacts = snapshot.missingFacts
        verification = VerificationSummary(state: state, runbook: runbook)
    }

    /// Whether `kind` is among the actions available now.
    public func offers(_ kind: CaseCommandKind) -> Bool { actions.contains { $0.command.kind == kind } }
}

/// A step on the rail with its mark.
public struct RailStep: Sendable, Equatable {
    public enum Mark: Sendable, Equatable {
        case done, current, refused, ahead
    }

    public var id: String
    public var title: String
    public var mark: Mark

    init(step: Step, state: CaseState) {
        id = step.id
        title = step.title
        // The step being worked is current even if it was refused once (a senior reopened it).
        if step.id == state.currentStep && state.status != .closed && state.status != .escalated {
            mark = .current
        } else if state.refusedSteps.contains(step.id) {
            mark = .refused
        } else if state.completedSteps.contains(step.id) || (step.id == state.currentStep && state.status == .closed) {
            mark = .done
        } else {
            mark = .ahead
        }
    }
}

/// A command available now: its kind, the command-line word and the wizard's key.
public struct PresentedAction: Sendable, Equatable {
    public var command: AvailableCommand
    /// The wizard's key for it ("F8"): a function key for the frequent ones, else "?" and the
    /// letter in the actions menu. Never a key a text field edits with (Ctrl-A/E/U/K/W, Alt-B/F).
    public var key: String
    /// What the key hint says ("refuse").
    public var label: String
    /// Its letter in the wizard's actions menu (F1 or "?").
    public var menuLetter: Character

    public var cliName: String { command.cliName }

    init(_ command: AvailableCommand) {
        self.command = command
        let fkey: Int?
        (fkey, menuLetter, label) = switch command.kind {
        case .continueStep: (5, "c", "continue")
        case .refuse: (8, "r", "refuse")
        case .uphold: (nil, "u", "uphold")
        case .reopen: (nil, "o", "reopen")
        case .approve: (9, "a", "approve")
        case .deny: (nil, "d", "deny")
        case .observeEnrolment: (10, "w", "check enrolment")
        case .attest, .attestFailed: (nil, "t", "resume action")
        case .requestApproval: (9, "k", "ask approval")
        case .note: (6, "n", "note")
        case .pause: (7, "p", "pause")
        case .resume: (7, "p", "resume")
        case .raiseSignal: (nil, "e", "signal")
        case .declareIncident: (nil, "x", "incident")
        case .restartVerification: (nil, "v", "re-verify")
        case .migrateRunbook: (nil, "m", "migrate runbook")
        case .clearPriorCases: (nil, "i", "clear prior cases")
        case .confirmFacts: (nil, "j", "confirm a fact")
        case .takeOver: (nil, "y", "take over")
        case .reissueSecret: (nil, "s", "reissue secret")
        }
        key = fkey.map { "F\($0)" } ?? "?\(menuLetter)"
    }
}

/// A fact as a screen may show it: known, or not yet known (typed on ManualConsole) — never a
/// default that could be mistaken for a reading, such as zero codes or "not suspended".
public enum Known<Value: Sendable & Equatable>: Sendable, Equatable {
    case known(Value)
    case unknown

    public var value: Value? {
        if case .known(let v) = self { return v }
        return nil
    }
}

/// The facts that matter for the decision, each known or not.
public struct FactsSummary: Sendable, Equatable {
    public struct PhoneOnFile: Sendable, Equatable {
        public var number: String
        public var added: CalendarDay
        /// Added since the start of today in the organisation's time zone.
        public var addedToday: Bool
    }

    public var displayName: Known<String>
    public var backupCodes: Known<Int>
    public var privileged: Known<Bool>
    public var suspended: Known<Bool>
    public var phoneNumbers: Known<[PhoneOnFile]>
    public var federatedLinks: Known<[String]>
    public var activity: Known<UnusualActivity>

    init(_ snapshot: CaseSnapshot) {
        let f = snapshot.facts
        let known = snapshot.knownFacts
        func typed(_ fact: PlatformFact) -> Bool { known?.contains(fact.rawValue) ?? true }
        func fact<V>(_ key: PlatformFact, _ value: @autoclosure () -> V) -> Known<V> { typed(key) ? .known(value()) : .unknown }
        let now = snapshot.context.now
        let zone = snapshot.context.timeZone
        let today = CalendarDay.startOfDay(now, in: zone)
        displayName = fact(.displayName, f.user.displayName)
        backupCodes = fact(.backupCodes, f.backupCodesRemaining)
        privileged = fact(.privileged, f.user.privileged)
        suspended = fact(.suspended, f.user.suspended)
        phoneNumbers = fact(.phoneNumbers, f.phoneNumbers.map {
            PhoneOnFile(number: $0.number, added: CalendarDay($0.addedAt, in: zone), addedToday: $0.addedAt >= today)
        })
        federatedLinks = fact(.federatedLinks, f.federatedLinks.map(\.provider))
        activity = fact(.signIns, UnusualActivity(signIns: f.signIns, rule: snapshot.runbook.settings.unusualActivity, now: now,
                                                  acknowledgedThrough: snapshot.state.activityAcknowledgedThrough))
    }
}

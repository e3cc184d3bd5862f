import Casework
import Engine
import Foundation
import LocalTenant
import Runbook
import Store
import Training
import Wizard

/// Plays the caller's side of a training call: reveals what the caller says as the call goes,
/// acts on the user's side when the scenario says so (signs in with the codes or password the
/// trainee read out, enrols, or — for a privileged account — has the senior on duty approve),
/// and when the case ends, scores the attempt, keeps the result and returns the debrief.
public final class TrainingCoach: CallCoach {
    public let scenario: Scenario
    let runbook: Runbook
    let directory: DirectoryStore
    let desk: CaseDesk
    /// Keeps a scored attempt (the training database's results).
    let keepResult: (TrainingResult) throws -> Void
    let startedAt: Date
    let clock: () -> Date
    let trainee: String
    private var refusals: [AttemptRefusal] = []
    /// The one-time secrets the trainee was shown, by the action that made them.
    private var secrets: [(action: PlatformAction, values: [String])] = []
    private var doneActions: Set<Int> = []
    /// The case the trainee is working, once they have given a command on it.
    private var caseID: String?
    public private(set) var score: TrainingScore?

    /// The senior admin on duty in training, who approves a privileged reset when asked.
    public static let seniorOnDuty = Actor(login: "training-senior", role: .senior)

    public init(scenario: Scenario, runbook: Runbook, directory: DirectoryStore, desk: CaseDesk, trainee: String,
                clock: @escaping () -> Date, keepResult: @escaping (TrainingResult) throws -> Void) {
        self.scenario = scenario
        self.runbook = runbook
        self.directory = directory
        self.desk = desk
        self.keepResult = keepResult
        self.trainee = trainee
        self.clock = clock
        startedAt = clock()
    }

    public var pane: TrainingPane {
        TrainingPane(title: scenario.title, opening: scenario.caller.opening, script: scenario.caller.lines)
    }

    /// Called after every command the trainee gives on the case.
    public func after(_ command: WizardEffect, outcome: CaseOutcome, caseID: String) -> [WizardMessage] {
        guard score == nil else { return [] }
        self.caseID = caseID
        var messages: [WizardMessage] = []
        if let refusal = outcome.refusal {
            refusals.append(AttemptRefusal(attempted: Self.describe(command, runbook: runbook), refusal: refusal))
            if refusal.kind == .gate { messages.append(.callerSays(topic: "pressed")) }
        }
        if let action = outcome.shownOnceBy { secrets.append((action, outcome.shownOnce)) }
        guard let events = try? desk.reader.events(caseID) else { return messages }
        let escalated = events.contains { if case .escalated = $0.body { return true } else { return false } }
        let signalled = events.contains { if case .signalRaised = $0.body { return true } else { return false } }
        if escalated || signalled { messages.append(.callerSays(topic: escalated ? "refused" : "pressed")) }
        for (index, action) in scenario.userSide.enumerated() where !doneActions.contains(index) && events.contains(where: { $0.type == action.after }) {
            doneActions.insert(index)
            if let problem = perform(action, caseID: caseID) { messages.append(.failed("The caller could not \(action.action): \(problem)")) }
        }
        let finalEvents = (try? desk.reader.events(caseID)) ?? events
        // The debrief comes when the scenario's outcome is reached — a wrong reset included, which
        // never closes by itself — not when the trainee happens to quit.
        guard TrainingScorer.isOver(scenario, events: finalEvents, runbook: runbook) else { return messages }
        messages.append(.trainingFinished(debrief: conclude(finalEvents, caseID: caseID)))
        return messages
    }

    /// The trainee left before the case ended (a reset handed to an attacker never closes):
    /// scores the attempt as it stands, keeps the result and returns the debrief. Nil when the
    /// attempt was scored already or no command was given.
    public func finish() -> [String]? {
        guard score == nil, let caseID, let events = try? desk.reader.events(caseID) else { return nil }
        return conclude(events, caseID: caseID)
    }

    /// Scores the attempt, keeps the result in the training database, and returns the debrief.
    private func conclude(_ events: [CaseEvent], caseID: String) -> [String] {
        let score = TrainingScorer.score(scenario, events: events, refusals: refusals, runbook: runbook,
                                         seconds: clock().timeIntervalSince(startedAt))
        self.score = score
        let result = TrainingResult(trainee: trainee, scenario: scenario.id, caseID: caseID, startedAt: startedAt, finishedAt: clock(),
                                    passed: score.passed, outcome: score.actualOutcome, expected: score.expectedOutcome,
                                    score: Self.json(score))
        try? keepResult(result)
        return TrainingScorer.debriefText(score, scenario: scenario)
    }

    private func perform(_ action: UserSideAction, caseID: String) -> String? {
        let email = scenario.subject.email
        let simulator = UserSimulator(store: directory)
        do {
            switch action.action {
            case "signin":
                if let temporary = secrets.last(where: { $0.action == .setTemporaryPassword })?.values.first {
                    try simulator.signIn(email, password: temporary, code: nil, newPassword: "a-new-training-password",
                                         address: "198.51.100.20", now: clock())
                } else if let code = secrets.last(where: { $0.action == .generateBackupCodes })?.values.first {
                    try simulator.signIn(email, password: ScenarioTenant.password, code: code, newPassword: nil,
                                         address: "198.51.100.20", now: clock())
                }
            case "enrol":
                // After the reset: the new factor is enrolled a moment after the admin action completed.
                let at = clock().addingTimeInterval(1)
                try directory.recordSignIn(email, attempt: SignInAttempt(at: at, address: "198.51.100.20", succeeded: true, method: "password"))
                try directory.enrolFactor(email, kind: "totp", label: "New phone", at: at, from: "198.51.100.20")
            case "approve":
                try desk.release(caseID, actor: Actor(login: trainee, role: .trainee))
                let outcome = try desk.perform(.approve(reason: "Approved by the senior on duty for this training call"),
                                                  on: caseID, actor: Self.seniorOnDuty)
                try desk.release(caseID, actor: Self.seniorOnDuty)
                if let refusal = outcome.refusal { return refusal.message }
            default:
                return "unknown action \(action.action)"
            }
            return nil
        } catch {
            return "\(error)"
        }
    }

    static func describe(_ effect: WizardEffect, runbook: Runbook) -> String {
        switch effect {
        case .perform(_, .submit(let step, let values)):
            var text = "continue from \(runbook.step(step)?.title ?? step)"
            if let method = values["method"] { text += " (\(method))" }
            return text
        case .perform(_, let command): return words(command.kind)
        case .attest: return "record the console action done"
        case .resumePendingAction: return "resume the platform action"
        case .recordFacts(_, _, let thenObserve): return thenObserve ? "check for the new factor" : "type console facts"
        default: return "act on the case"
        }
    }

    /// A command as the trainee would say it.
    static func words(_ kind: CaseCommandKind) -> String {
        switch kind {
        case .continueStep: return "continue"
        case .restartVerification: return "verify the caller again"
        case .requestApproval: return "ask for a senior's approval"
        case .observeEnrolment: return "check for the new factor"
        case .attest: return "record the console action done"
        case .attestFailed: return "record the console action failed"
        case .approve: return "approve"
        case .deny: return "deny the approval"
        case .uphold: return "uphold the refusal"
        case .reopen: return "reopen the case"
        case .resume: return "resume the case"
        case .raiseSignal: return "raise a signal"
        case .refuse: return "refuse"
        case .pause: return "pause the case"
        case .declareIncident: return "declare an incident"
        case .takeOver: return "take the case over"
        case .reissueSecret: return "issue the lost secret again"
        case .clearPriorCases: return "clear the earlier cases"
        case .confirmFacts: return "confirm a typed fact"
        case .migrateRunbook: return "move the case to the current runbook"
        case .note: return "add a note"
        }
    }

    static func json(_ score: TrainingScore) -> JSONValue {
        .object([
            "seconds": .number(score.seconds.rounded()),
            "moments": .array(score.moments.map { .object(["id": .string($0.id), "description": .string($0.description), "hit": .bool($0.hit), "reached": .bool($0.reached)]) }),
            "stops": .array(score.stops.map { .object(["gate": .string($0.gate), "attempted": .string($0.attempted), "message": .string($0.message)]) }),
        ])
    }
}

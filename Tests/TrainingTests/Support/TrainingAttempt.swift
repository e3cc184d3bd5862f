import Engine
import Foundation
import Runbook
import Training
import XCTest

/// One training attempt worked against the pure engine: the shipped runbook, a fixed clock,
/// the scenario's account as platform facts (`scenario.subject.facts(at: start)`), and a trainee
/// acting in training mode. It plays the Store's part (every event a decision carries is kept
/// and folded into the state, refused attempts included), keeps every refusal met as an
/// `AttemptRefusal`, and plays the caller's side from the scenario's `userSide`, as the
/// TrainingCoach does in the wizard. It never decides anything itself, so what the score says
/// is what the engine and the scorer made of the trainee's decisions.
final class TrainingAttempt {
    /// Every attempt starts here: a Sunday morning, 10:00 UTC (far from midnight, so "today"
    /// in the scenarios means what their authors meant).
    static let start = ISO8601DateFormatter().date(from: "2026-05-17T10:00:00Z")!
    static let trainee = Actor(login: "trainee1", role: .trainee)
    /// The senior admin on duty, who approves a privileged reset when asked (userSide `approve`).
    static let seniorOnDuty = Actor(login: "training-senior", role: .senior)
    static let caseID = "TRAIN-1"
    static let utc = TimeZone(identifier: "UTC")!

    let scenario: Scenario
    let runbook: Runbook
    private(set) var now: Date
    var facts: PlatformFacts
    private(set) var events: [CaseEvent] = []
    private(set) var state: CaseState?
    private(set) var refusals: [AttemptRefusal] = []
    /// What the caller did on their side, in order ("enrol after mfa.factor_admin_reset").
    private(set) var userSideLog: [String] = []
    private var userSideDone: Set<Int> = []

    init(_ scenario: Scenario, runbook: Runbook) {
        self.scenario = scenario
        self.runbook = runbook
        now = Self.start
        facts = scenario.subject.facts(at: Self.start)
    }

    var subject: String { scenario.subject.email }

    func context(as actor: Actor) -> DecisionContext {
        DecisionContext(runbook: runbook, actor: actor, facts: facts, now: now, timeZone: Self.utc, training: true)
    }

    func advance(seconds: Double) { now = now.addingTimeInterval(seconds) }

    var currentState: CaseState {
        guard let state else { preconditionFailure("open the case first") }
        return state
    }

    var eventTypes: [String] { events.map(\.type) }

    // MARK: - Commands

    func open(file: StaticString = #filePath, line: UInt = #line) {
        let decision = CaseEngine.open(caseID: Self.caseID, subject: subject, context: context(as: Self.trainee))
        guard decision.isAccepted, let first = decision.events.first, var opened = CaseState(opening: first, runbook: runbook) else {
            XCTFail("the case for \(subject) did not open: \(decision.refusal?.message ?? "?")", file: file, line: line)
            return
        }
        for event in decision.events.dropFirst() { opened.apply(event, runbook: runbook) }
        state = opened
        events = decision.events
    }

    /// The trainee (or `actor`) gives `command` a minute after the last one; the engine decides,
    /// its events are kept, a refusal is remembered for the score, and the caller then acts on
    /// their side if the scenario says so.
    @discardableResult
    func decide(_ command: CaseCommand, as actor: Actor = TrainingAttempt.trainee) -> Decision {
        advance(seconds: 60)
        let decision = CaseEngine.decide(command, state: currentState, context: context(as: actor))
        for event in decision.events {
            state?.apply(event, runbook: runbook)
            events.append(event)
        }
        if let refusal = decision.refusal, actor == Self.trainee {
            refusals.append(AttemptRefusal(attempted: describe(command), refusal: refusal))
        }
        playUserSide()
        return decision
    }

    /// The caller's side, once per action, after the event it waits for: `enrol` shows a new
    /// factor in the platform's facts, `signin` a successful sign-in, `approve` the senior on duty
    /// approving (decided by the engine like any other command).
    private func playUserSide() {
        for (index, action) in scenario.userSide.enumerated()
        where !userSideDone.contains(index) && events.contains(where: { $0.type == action.after }) {
            userSideDone.insert(index)
            userSideLog.append("\(action.action) after \(action.after)")
            switch action.action {
            case "enrol":
                facts.factors.append(EnrolledFactor(kind: "totp", label: "New phone", enrolledAt: now.addingTimeInterval(30),
                                                    enrolledFrom: "198.51.100.20"))
            case "signin":
                facts.signIns.append(SignInAttempt(at: now.addingTimeInterval(20), address: "198.51.100.20", succeeded: true,
                                                   method: "password+code"))
            case "approve":
                let decision = decide(.approve(reason: "Approved by the senior on duty for this training call"), as: Self.seniorOnDuty)
                if let refusal = decision.refusal { XCTFail("the senior on duty could not approve: \(refusal.message)") }
            default:
                XCTFail("the scenario \(scenario.id) has a userSide action the test cannot play: \(action.action)")
            }
        }
        // The platform carried out a reset: the lost factor is gone.
        if events.contains(where: { $0.type == "mfa.factor_admin_reset" }) {
            facts.factors.removeAll { $0.enrolledAt < Self.start }
        }
    }

    /// What the trainee tried, in the words a debrief uses (as the TrainingCoach describes it).
    func describe(_ command: CaseCommand) -> String {
        switch command {
        case .submit(let step, let values):
            var text = "continue from \(runbook.step(step)?.title ?? step)"
            if let method = values["method"] { text += " (\(method))" }
            return text
        default:
            return "\(command)"
        }
    }

    // MARK: - Scoring

    func score() -> TrainingScore {
        TrainingScorer.score(scenario, events: events, refusals: refusals, runbook: runbook,
                             seconds: now.timeIntervalSince(Self.start))
    }
}

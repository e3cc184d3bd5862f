import Engine
import Foundation
import Runbook

/// How an attempt went: the outcome against the expected one, every decisive moment hit or
/// missed, the gates that stopped the trainee and what they had tried, and the time taken.
public struct TrainingScore: Sendable, Equatable {
    public struct Moment: Sendable, Equatable {
        public var id: String
        public var description: String
        public var hit: Bool
        /// False when the attempt stopped before the moment could be judged (the trainee left
        /// mid-call): such a moment is neither credited nor blamed in the debrief.
        public var reached: Bool = true
    }

    public struct Stop: Sendable, Equatable {
        /// The gate (check name) that refused.
        public var gate: String
        public var label: String
        /// What the trainee tried ("continue from Verify identity out-of-band").
        public var attempted: String
        public var message: String
    }

    public var scenarioID: String
    public var expectedOutcome: String
    public var actualOutcome: String
    public var moments: [Moment]
    public var stops: [Stop]
    public var seconds: Double
    public var debrief: String

    public var outcomeRight: Bool { expectedOutcome == actualOutcome }
    public var passed: Bool { outcomeRight && moments.allSatisfy(\.hit) }
    public var missed: [Moment] { moments.filter { !$0.hit && $0.reached } }
}

/// A gate refusal the trainee met: which command, and the refusal.
public struct AttemptRefusal: Sendable, Equatable {
    public var attempted: String
    public var refusal: Refusal

    public init(attempted: String, refusal: Refusal) {
        self.attempted = attempted
        self.refusal = refusal
    }
}

/// Scores an attempt from its events (and the refusals met on the way). Pure: the same attempt
/// always gets the same score, so it can be tested through the engine alone.
public enum TrainingScorer {
    /// `left`: the trainee left the call (rather than the attempt reaching its outcome).
    public static func score(_ scenario: Scenario, events: [CaseEvent], refusals: [AttemptRefusal], runbook: Runbook,
                             seconds: Double, left: Bool = true) -> TrainingScore {
        let state = CaseState.replay(events, runbook: runbook)
        let actual: String
        switch state?.status {
        case .escalated?: actual = "escalated"
        case .closed?: actual = state?.outcome ?? "closed"
        case _? where decidedWrongly(scenario, state: state):
            actual = "carried out: " + (state?.completedActions.map(\.action.title).joined(separator: ", ") ?? "")
        case let status?: actual = "unfinished (" + status.rawValue.replacingOccurrences(of: "_", with: " ") + ")"
        case nil: actual = "not started"
        }
        let ended = isOver(scenario, events: events, runbook: runbook)
        let stops = refusals.flatMap { r in
            r.refusal.failedChecks.filter { !$0.name.hasPrefix("field.") }.map {
                TrainingScore.Stop(gate: $0.name, label: $0.label, attempted: r.attempted, message: $0.message)
            }
        }
        // A moment is judged on what happened: one that "never" happens is credited only once the
        // attempt reached its outcome (leaving mid-call avoids nothing); one to be done is blamed
        // once the outcome is reached or the trainee left without doing it.
        let moments = scenario.expected.moments.map { moment in
            let hit = holds(moment.rule, events: events, stops: stops)
            let settled: Bool
            if case .eventNeverRecorded = moment.rule { settled = ended || !hit } else { settled = ended || hit || left }
            return TrainingScore.Moment(id: moment.id, description: moment.description, hit: hit && settled, reached: settled)
        }
        return TrainingScore(scenarioID: scenario.id, expectedOutcome: scenario.expected.outcome, actualOutcome: actual,
                             moments: moments, stops: stops, seconds: seconds, debrief: scenario.debrief)
    }

    /// Whether the attempt has reached its outcome: the case closed or went to a senior, or an
    /// admin action was carried out in a scenario whose right answer was to refuse (the account
    /// is handed over: nothing after that undoes it).
    public static func isOver(_ scenario: Scenario, events: [CaseEvent], runbook: Runbook) -> Bool {
        guard let state = CaseState.replay(events, runbook: runbook) else { return false }
        return state.status == .closed || state.status == .escalated || decidedWrongly(scenario, state: state)
    }

    static func decidedWrongly(_ scenario: Scenario, state: CaseState?) -> Bool {
        guard let state, !state.completedActions.isEmpty else { return false }
        return ["escalated", "refused"].contains(scenario.expected.outcome)
    }

    static func holds(_ rule: MomentRule, events: [CaseEvent], stops: [TrainingScore.Stop]) -> Bool {
        switch rule {
        case .eventRecorded(let type): return events.contains { $0.type == type }
        case .eventNeverRecorded(let type): return !events.contains { $0.type == type }
        case .refusedWithSignal(let signal):
            return events.contains {
                if case .escalated(let raised, _) = $0.body { return raised == signal }
                return false
            }
        case .verifiedBy(let method):
            return events.contains {
                if case .stepCompleted(let completion) = $0.body { return completion.verification?.method == method }
                return false
            }
        case .gateRefused(let gate): return stops.contains { $0.gate == gate }
        }
    }

    /// The debrief as text: result, moments, stops, time, and the scenario's lesson.
    public static func debriefText(_ score: TrainingScore, scenario: Scenario) -> [String] {
        var lines = ["\(score.passed ? "PASSED" : "NOT PASSED"): \(scenario.title)"]
        lines.append("Outcome: \(score.actualOutcome) — expected \(score.expectedOutcome) (\(score.outcomeRight ? "right" : "wrong"))")
        for moment in score.moments {
            lines.append("\(!moment.reached ? "– not reached" : moment.hit ? "✓ hit " : "✗ MISSED ") \(moment.description)")
        }
        if !score.stops.isEmpty {
            lines.append("Gates that stopped you:")
            for stop in score.stops { lines.append("  \(stop.label) — when you tried to \(stop.attempted): \(stop.message)") }
        }
        lines.append(String(format: "Time: %d min %02d s", Int(score.seconds) / 60, Int(score.seconds) % 60))
        lines.append("")
        lines.append(scenario.debrief)
        return lines
    }
}

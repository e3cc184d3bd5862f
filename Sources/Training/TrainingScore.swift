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
    public var missed: [Moment] { moments.filter { !$0.hit } }
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
    public static func score(_ scenario: Scenario, events: [CaseEvent], refusals: [AttemptRefusal], runbook: Runbook,
                             seconds: Double) -> TrainingScore {
        let state = CaseState.replay(events, runbook: runbook)
        let actual: String
        switch state?.status {
        case .escalated?: actual = "escalated"
        case .closed?: actual = state?.outcome ?? "closed"
        case let status?: actual = "unfinished (\(status.rawValue))"
        case nil: actual = "not started"
        }
        let stops = refusals.flatMap { r in
            r.refusal.failedChecks.filter { !$0.name.hasPrefix("field.") }.map {
                TrainingScore.Stop(gate: $0.name, label: $0.label, attempted: r.attempted, message: $0.message)
            }
        }
        let moments = scenario.expected.moments.map { moment in
            TrainingScore.Moment(id: moment.id, description: moment.description,
                                 hit: holds(moment.rule, events: events, stops: stops))
        }
        return TrainingScore(scenarioID: scenario.id, expectedOutcome: scenario.expected.outcome, actualOutcome: actual,
                             moments: moments, stops: stops, seconds: seconds, debrief: scenario.debrief)
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
        for moment in score.moments { lines.append("\(moment.hit ? "✓ hit " : "✗ MISSED ") \(moment.description)") }
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

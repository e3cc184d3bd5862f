import Engine
import Foundation
import Runbook
import Training
import XCTest

/// Every shipped scenario, played both ways through the engine and scored: the right decisions
/// pass with every moment hit, and each typical wrong decision fails naming exactly the moments
/// it missed. Scenarios are discovered from Runbooks/training; one without a plan fails here.
final class ScenarioPlayThroughTests: XCTestCase {
    func testEveryShippedScenarioHasAPlan() throws {
        let runbook = try TrainingFiles.runbook()
        let files = try TrainingFiles.scenarioFiles()
        XCTAssertFalse(files.isEmpty, "no scenarios found in \(TrainingFiles.scenarioFolder.path)")
        var ids: Set<String> = []
        for file in files {
            let scenario = try TrainingFiles.scenario(file, runbook: runbook)
            XCTAssertEqual(scenario.id + ".json5", file.lastPathComponent, "a scenario's id is its file name (handrail train ID)")
            ids.insert(scenario.id)
            let plan = ScenarioPlans.all[scenario.id]
            XCTAssertNotNil(plan, "\(file.lastPathComponent): no plan in ScenarioPlans; add its right and wrong decisions")
            XCTAssertFalse(plan?.wrong.isEmpty ?? true, "\(scenario.id): a plan needs at least one wrong decision")
        }
        XCTAssertEqual(Set(ScenarioPlans.all.keys).subtracting(ids), [], "plans for scenarios that are not shipped")
    }

    func testRightDecisionsPassWithEveryMomentHit() throws {
        let runbook = try TrainingFiles.runbook()
        for file in try TrainingFiles.scenarioFiles() {
            let scenario = try TrainingFiles.scenario(file, runbook: runbook)
            guard let plan = ScenarioPlans.all[scenario.id] else { continue } // reported by testEveryShippedScenarioHasAPlan
            let attempt = TrainingAttempt(scenario, runbook: runbook)
            attempt.open()
            plan.right(attempt)
            let score = attempt.score()
            let trail = attempt.eventTypes.joined(separator: ", ")
            XCTAssertTrue(score.passed, "[\(scenario.id)] right decisions did not pass:\n"
                          + TrainingScorer.debriefText(score, scenario: scenario).joined(separator: "\n") + "\nevents: \(trail)")
            XCTAssertEqual(score.actualOutcome, scenario.expected.outcome, "[\(scenario.id)] outcome; events: \(trail)")
            XCTAssertTrue(score.outcomeRight, "[\(scenario.id)]")
            XCTAssertEqual(score.moments.map(\.id), scenario.expected.moments.map(\.id), "[\(scenario.id)] every moment is scored, in order")
            XCTAssertEqual(score.missed.map(\.id), [], "[\(scenario.id)] missed moments on the right path")
            XCTAssertEqual(score.stops.map(\.gate), plan.rightStops, "[\(scenario.id)] gates met on the right path")
            XCTAssertEqual(CaseState.replay(attempt.events, runbook: runbook), attempt.currentState,
                           "[\(scenario.id)] the log replays to the state the trainee worked on")
            // Every caller-side action the scenario scripts happens on the right path.
            XCTAssertEqual(attempt.userSideLog.count, scenario.userSide.count,
                           "[\(scenario.id)] the caller's side did only \(attempt.userSideLog)")
            let debrief = TrainingScorer.debriefText(score, scenario: scenario)
            XCTAssertEqual(debrief.first, "PASSED: \(scenario.title)")
            XCTAssertEqual(debrief.filter { $0.hasPrefix("✓ hit ") }.count, scenario.expected.moments.count, "[\(scenario.id)]")
            XCTAssertEqual(debrief.last, scenario.debrief)
        }
    }

    func testTypicalWrongDecisionsFailNamingTheMissedMoments() throws {
        let runbook = try TrainingFiles.runbook()
        for file in try TrainingFiles.scenarioFiles() {
            let scenario = try TrainingFiles.scenario(file, runbook: runbook)
            guard let plan = ScenarioPlans.all[scenario.id] else { continue }
            let momentIDs = Set(scenario.expected.moments.map(\.id))
            for wrong in plan.wrong {
                let label = "[\(scenario.id): \(wrong.name)]"
                XCTAssertTrue(wrong.missed.isSubset(of: momentIDs), "\(label) names moments the scenario does not have: \(wrong.missed.subtracting(momentIDs))")
                let attempt = TrainingAttempt(scenario, runbook: runbook)
                attempt.open()
                wrong.play(attempt)
                let score = attempt.score()
                let debrief = TrainingScorer.debriefText(score, scenario: scenario)
                let context = "\(label)\n" + debrief.joined(separator: "\n") + "\nevents: " + attempt.eventTypes.joined(separator: ", ")
                XCTAssertFalse(score.passed, "\(label) passed:\n\(context)")
                XCTAssertEqual(Set(score.missed.map(\.id)), wrong.missed, context)
                XCTAssertEqual(score.actualOutcome, wrong.outcome, context)
                XCTAssertEqual(score.stops.map(\.gate), wrong.stops, context)
                XCTAssertEqual(debrief.first, "NOT PASSED: \(scenario.title)", context)
                for moment in score.missed {
                    XCTAssertTrue(debrief.contains("✗ MISSED  \(moment.description)"), "\(label) the debrief names \(moment.id)")
                }
                for stop in score.stops {
                    XCTAssertTrue(debrief.contains { $0.hasPrefix("  \(stop.label) — when you tried to ") }, "\(label) the debrief names \(stop.gate)")
                }
            }
        }
    }

    /// Each moment tells a right attempt from a wrong one: some wrong plan misses it, unless the
    /// engine itself forbids the mistake (and the plan says why). A moment no attempt can miss
    /// (a misspelt event type under `eventNeverRecorded`, say) would fail here.
    func testEveryMomentIsMissedBySomeWrongDecision() throws {
        let runbook = try TrainingFiles.runbook()
        for file in try TrainingFiles.scenarioFiles() {
            let scenario = try TrainingFiles.scenario(file, runbook: runbook)
            guard let plan = ScenarioPlans.all[scenario.id] else { continue }
            let missedSomewhere = plan.wrong.reduce(into: Set<String>()) { $0.formUnion($1.missed) }
            for moment in scenario.expected.moments where !missedSomewhere.contains(moment.id) {
                XCTAssertNotNil(plan.guardedByEngine[moment.id],
                                "[\(scenario.id)] no wrong decision misses \"\(moment.id)\" (\(moment.description)), and the plan does not say why it cannot be missed")
            }
            for id in plan.guardedByEngine.keys {
                XCTAssertTrue(scenario.expected.moments.contains { $0.id == id }, "[\(scenario.id)] guardedByEngine names an unknown moment \(id)")
            }
        }
    }

    /// Scoring is pure: the same events and refusals always give the same score.
    func testScoringTheSameAttemptTwiceGivesTheSameScore() throws {
        let runbook = try TrainingFiles.runbook()
        let scenario = try TrainingFiles.scenario(id: "caller-supplied-number")
        let attempt = TrainingAttempt(scenario, runbook: runbook)
        attempt.open()
        ScenarioPlans.callerSuppliedNumber.wrong[0].play(attempt)
        XCTAssertEqual(attempt.score(), attempt.score())
        XCTAssertEqual(attempt.refusals.first?.attempted, "continue from Verify identity out-of-band (callback)")
    }
}

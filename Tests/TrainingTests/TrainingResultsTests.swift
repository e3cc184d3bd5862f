import Engine
import Foundation
import Runbook
import Store
import TrainingRuntime
import XCTest

/// Training results: kept in the training database beside the real one, listed by
/// `handrail train results` (a trainee sees their own and only theirs; a senior sees anyone's).
final class TrainingResultsTests: XCTestCase {
    static let finished = ISO8601DateFormatter().date(from: "2026-05-17T10:20:00Z")!

    static func result(_ trainee: String, _ scenario: String, passed: Bool, minutes: Double, missed: [String] = []) -> TrainingResult {
        let moments: [JSONValue] = [.object(["id": .string("no-reset"), "description": .string("Never reset the account"),
                                             "hit": .bool(!missed.contains("no-reset"))]),
                                    .object(["id": .string("pressure"), "description": .string("Refused on the pressure signal"),
                                             "hit": .bool(!missed.contains("pressure"))])]
        return TrainingResult(trainee: trainee, scenario: scenario, caseID: "HR-\(trainee.uppercased())-\(Int(minutes))",
                              startedAt: finished.addingTimeInterval(minutes * 60 - 300), finishedAt: finished.addingTimeInterval(minutes * 60),
                              passed: passed, outcome: passed ? "escalated" : "unfinished (awaiting_enrolment)", expected: "escalated",
                              score: .object(["seconds": .number(300), "moments": .array(moments), "stops": .array([])]))
    }

    func testResultsAreSavedAndReadBackNewestFirstPerTrainee() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-results-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("training/training.db").path
        let store = try TrainingResultsStore(path: path, now: Date.init)
        let first = Self.result("trainee1", "urgency-pressure", passed: false, minutes: 0, missed: ["pressure", "no-reset"])
        let second = Self.result("trainee1", "urgency-pressure", passed: true, minutes: 10)
        let other = Self.result("trainee2", "caller-supplied-number", passed: true, minutes: 5)
        for r in [first, other, second] { try store.saveTrainingResult(r) }

        XCTAssertEqual(try store.trainingResults(trainee: "trainee1"), [second, first])
        XCTAssertEqual(try store.trainingResults(trainee: "trainee2"), [other])
        XCTAssertEqual(try store.trainingResults(), [second, other, first])
        XCTAssertEqual(try store.trainingResults(trainee: "nobody"), [])
        XCTAssertEqual(try store.trainingResults(limit: 1), [second])
        // The score's JSON comes back as it was kept.
        XCTAssertEqual(try store.trainingResults(trainee: "trainee1").last?.score["moments"]?.arrayValue?.compactMap { $0["hit"]?.boolValue },
                       [false, false])
        // A result is not a case event: the training database's audit log holds none for it.
        XCTAssertEqual(try HandrailStore(path: path, now: Date.init).eventCount(), 0)
    }

    func testTrainResultsShowsATraineeTheirOwnAndASeniorAnyones() throws {
        let handrail = try HandrailBinary()
        // The first operator of the real database becomes its senior admin and adds the trainees.
        try handrail.run(["operator", "add", "trainee1", "--role", "trainee"], as: "senior1", expect: 0)
        try handrail.run(["operator", "add", "trainee2", "--role", "trainee"], as: "senior1", expect: 0)
        let training = try TrainingResultsStore(path: handrail.trainingDatabase, now: Date.init)
        try training.saveTrainingResult(Self.result("trainee1", "urgency-pressure", passed: false, minutes: 0, missed: ["pressure", "no-reset"]))
        try training.saveTrainingResult(Self.result("trainee1", "urgency-pressure", passed: true, minutes: 10))
        try training.saveTrainingResult(Self.result("trainee2", "caller-supplied-number", passed: true, minutes: 5))

        let header = ["TRAINEE", "SCENARIO", "RESULT", "OUTCOME (EXPECTED)", "MISSED", "FINISHED (UTC)"]
        func rows(_ run: HandrailBinary.Run) -> [[String]] {
            run.out.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        }

        for arguments in [["train", "results"], ["train", "results", "trainee1"]] {
            let mine = try handrail.run(arguments, as: "trainee1", expect: 0)
            let lines = mine.out.split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.count, 3, mine.description)
            XCTAssertTrue(lines.first.map { line in header.allSatisfy { line.contains($0) } } ?? false, mine.description)
            XCTAssertEqual(rows(mine).dropFirst().map { Array($0.prefix(3)) },
                           [["trainee1", "urgency-pressure", "passed"], ["trainee1", "urgency-pressure", "NOT"]], mine.description)
            XCTAssertTrue(lines[2].contains("NOT PASSED") && lines[2].contains("no-reset, pressure"), mine.description)
            XCTAssertFalse(mine.out.contains("trainee2"), mine.description)
        }

        let theirs = try handrail.run(["train", "results", "trainee2"], as: "trainee1", expect: 4)
        XCTAssertEqual(theirs.out, "")
        XCTAssertTrue(theirs.err.contains("only a senior admin may see another trainee's results"), theirs.description)

        let everyone = try handrail.run(["train", "results"], as: "senior1", expect: 0)
        XCTAssertEqual(rows(everyone).dropFirst().map { Array($0.prefix(2)) },
                       [["trainee1", "urgency-pressure"], ["trainee2", "caller-supplied-number"], ["trainee1", "urgency-pressure"]],
                       everyone.description)
        let one = try handrail.run(["train", "results", "trainee2"], as: "senior1", expect: 0)
        XCTAssertEqual(rows(one).dropFirst().map { Array($0.prefix(3)) }, [["trainee2", "caller-supplied-number", "passed"]], one.description)

        let none = try handrail.run(["train", "results"], as: "trainee2", expect: 0)
        XCTAssertFalse(none.out.contains("trainee1"), none.description)
        let empty = try handrail.run(["train", "results", "senior1"], as: "senior1", expect: 0)
        XCTAssertEqual(empty.out, "No training results yet.\n")
    }
}

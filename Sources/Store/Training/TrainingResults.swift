import Engine
import Foundation
import Runbook

/// A stored training result: who, which scenario, pass or not, and the score's details as JSON.
public struct TrainingResult: Sendable, Equatable {
    public var trainee: String
    public var scenario: String
    public var caseID: String
    public var startedAt: Date
    public var finishedAt: Date
    public var passed: Bool
    public var outcome: String
    public var expected: String
    public var score: JSONValue

    public init(trainee: String, scenario: String, caseID: String, startedAt: Date, finishedAt: Date, passed: Bool,
                outcome: String, expected: String, score: JSONValue) {
        self.trainee = trainee
        self.scenario = scenario
        self.caseID = caseID
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.passed = passed
        self.outcome = outcome
        self.expected = expected
        self.score = score
    }
}

extension HandrailStore {
    public func saveTrainingResult(_ r: TrainingResult) throws(StoreError) {
        try write {
            try db.prepare("""
            INSERT INTO training_results (trainee, scenario, case_id, started_at, finished_at, passed, outcome, expected, score)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
            """).run([.text(r.trainee), .text(r.scenario), .text(r.caseID), .text(EventTime.format(r.startedAt)),
                      .text(EventTime.format(r.finishedAt)), .integer(r.passed ? 1 : 0), .text(r.outcome), .text(r.expected),
                      .text(r.score.canonicalText)])
        }
    }

    /// Results, newest first, of one trainee or of everyone.
    public func trainingResults(trainee: String? = nil, limit: Int = 500) throws(StoreError) -> [TrainingResult] {
        try read {
            let statement = try db.prepare("""
            SELECT trainee, scenario, case_id, started_at, finished_at, passed, outcome, expected, score FROM training_results
            WHERE ?1 IS NULL OR trainee = ?1 ORDER BY finished_at DESC, id DESC LIMIT ?2
            """)
            try statement.bind([trainee.map(SQLValue.text) ?? .null, .integer(Int64(limit))])
            var out: [TrainingResult] = []
            while try statement.step() {
                out.append(TrainingResult(trainee: statement.string(0), scenario: statement.string(1), caseID: statement.string(2),
                                          startedAt: EventTime.parse(statement.string(3)) ?? .distantPast,
                                          finishedAt: EventTime.parse(statement.string(4)) ?? .distantPast,
                                          passed: statement.int(5) != 0, outcome: statement.string(6), expected: statement.string(7),
                                          score: (try? JSON5Parser.parse(statement.string(8)))?.plain ?? .null))
            }
            return out
        }
    }
}

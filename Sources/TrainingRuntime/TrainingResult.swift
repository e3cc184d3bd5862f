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

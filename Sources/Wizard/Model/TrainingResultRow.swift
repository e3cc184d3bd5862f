import Foundation

/// One training attempt as the senior admin's results screen lists it.
public struct TrainingResultRow: Sendable, Equatable {
    public var trainee: String
    public var scenario: String
    public var passed: Bool
    public var outcome: String
    public var expected: String
    /// Ids of the decisive moments missed.
    public var missed: [String]
    public var finished: Date

    public init(trainee: String, scenario: String, passed: Bool, outcome: String, expected: String, missed: [String], finished: Date) {
        self.trainee = trainee
        self.scenario = scenario
        self.passed = passed
        self.outcome = outcome
        self.expected = expected
        self.missed = missed
        self.finished = finished
    }
}

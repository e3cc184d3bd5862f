import Engine

/// One case's share of a bulk append: its new events and, when the queue is to show the case,
/// its projection after them. Without a projection only the log holds the case, as in an
/// imported archive.
public struct CaseAppend {
    public var caseID: String
    public var events: [CaseEvent]
    /// How many events the case holds before these: 0 for a new case.
    public var expectedLastCaseSeq: Int
    public var projection: CaseProjection?

    public init(caseID: String, events: [CaseEvent], expectedLastCaseSeq: Int = 0, projection: CaseProjection?) {
        self.caseID = caseID
        self.events = events
        self.expectedLastCaseSeq = expectedLastCaseSeq
        self.projection = projection
    }
}

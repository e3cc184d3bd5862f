/// In training: the scenario's caller, the lines revealed so far, and at the end the debrief.
public struct TrainingPane: Sendable, Equatable {
    public var title: String
    public var opening: String
    /// Topic → what the caller says, revealed as the trainee asks (F2-F4) or as the call goes.
    public var script: [String: String]
    public var revealed: [String] = []
    public var debrief: [String]?

    public init(title: String, opening: String, script: [String: String]) {
        self.title = title
        self.opening = opening
        self.script = script
    }

    /// Which topic each key asks about.
    public static let keys: [(key: Int, topic: String, question: String)] = [
        (2, "verification", "How can I verify you?"),
        (3, "callback", "What number can I call you back on?"),
        (4, "situation", "What exactly have you lost?"),
    ]

    public mutating func reveal(_ topic: String) {
        guard script[topic] != nil, !revealed.contains(topic) else { return }
        revealed.append(topic)
    }
}

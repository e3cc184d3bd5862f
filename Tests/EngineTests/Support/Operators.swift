import Engine

/// The people who act on cases in these tests, one per role, plus second seniors so that
/// "someone other than the operator" can be expressed.
enum Operators {
    /// The agent on the call in most tests.
    static let alice = Actor(login: "alice", role: .agent)
    /// A second agent, to show that being "someone else" is not enough where a senior is needed.
    static let aaron = Actor(login: "aaron", role: .agent)
    /// A senior admin who reviews and approves.
    static let bob = Actor(login: "bob", role: .senior)
    /// Another senior admin: the operator of a case in tests where the operator is senior.
    static let carol = Actor(login: "carol", role: .senior)
    static let audrey = Actor(login: "audrey", role: .auditor)
    static let tom = Actor(login: "tom", role: .trainee)
}

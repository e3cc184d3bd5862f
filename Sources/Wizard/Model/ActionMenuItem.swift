import Engine

/// A line of the case's actions menu (F1 or "?"): every action available now, by its letter.
public struct ActionMenuItem: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        case command(CaseCommandKind)
        /// ManualConsole: type the admin console's facts.
        case facts
        /// ManualConsole, waiting for enrolment: "I see the new factor".
        case newFactor
        case guidance
        /// The case's history, a line each, any of them opened whole.
        case history
        case help
    }

    public var letter: Character
    public var label: String
    /// Its own key beside the menu ("F8"), if any.
    public var key: String?
    public var action: Action

    public init(letter: Character, label: String, key: String?, action: Action) {
        self.letter = letter
        self.label = label
        self.key = key
        self.action = action
    }
}

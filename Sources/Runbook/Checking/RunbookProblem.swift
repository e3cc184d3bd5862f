/// One thing wrong with a runbook file, with where it is. `runbook check` prints them
/// as `FILE:LINE:COLUMN: PATH: MESSAGE`, which editors and CI logs can jump to.
public struct RunbookProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case syntax
        case missingKey
        case wrongType
        case unknownKey
        case duplicateKey
        case duplicateID
        case invalidValue
        case unknownStep
        case unreachableStep
        case deadEnd
        case terminalWithExits
        case unknownCheck
        /// A gate reads a field, option or reason the step does not supply.
        case missingCheckInput
        case unknownAction
        case unknownFact
        case unknownField
        case unknownFieldType
        case unknownTemplate
        case unknownTemplateVariable
        case fallbackNotLast
    }

    public var kind: Kind
    public var path: JSONPath
    public var location: SourceLocation?
    public var message: String

    public init(_ kind: Kind, at path: JSONPath, _ location: SourceLocation?, _ message: String) {
        self.kind = kind
        self.path = path
        self.location = location
        self.message = message
    }

    public var description: String {
        "\(location.map { "\($0): " } ?? "")\(path): \(message)"
    }

    /// The line printed by `runbook check` for a problem in `file`.
    public func formatted(file: String) -> String {
        "\(file):\(location.map { "\($0.line):\($0.column)" } ?? "0:0"): \(path): \(message)"
    }
}

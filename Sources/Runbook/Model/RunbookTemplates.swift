/// Texts composed from a case: the reason pre-filled into dangerous actions and the
/// follow-up message. `{{name}}` placeholders are filled from `TemplateContext` values.
public struct RunbookTemplates: Sendable, Equatable {
    public var reason: String
    public var followUp: String

    public init(reason: String, followUp: String) {
        self.reason = reason
        self.followUp = followUp
    }

    public func text(named name: String) -> String? {
        switch name {
        case "reason": return reason
        case "followUp": return followUp
        default: return nil
        }
    }

    public static let names = ["reason", "followUp"]
}

import Casework

/// The audit browser: filter fields, the page of rows shown, and verification progress.
public struct AuditModel: Sendable, Equatable {
    public enum FilterField: Int, Sendable, CaseIterable {
        case event, actor, subject, caseID, since, until

        public var label: String {
            switch self {
            case .event: return "Event"
            case .actor: return "Actor"
            case .subject: return "Subject"
            case .caseID: return "Case"
            case .since: return "Since"
            case .until: return "Until"
            }
        }
    }

    public var filters: [FilterField: TextInput] = [:]
    public var focus: FilterField = .event
    /// The rows of the current page.
    public var rows: [AuditRow] = []
    public var page = 0
    public var pageSize = 14
    public var hasMore = false
    public var selected = 0
    /// 0…1 while `audit verify` runs; nil otherwise.
    public var verifyProgress: Double?
    public var verifyResult: String?
    public var error: String?
    /// The event types the log can hold (the fixed names and the runbooks'), for completing
    /// and matching what is typed in the Event filter.
    public var knownTypes: [String] = []
    /// Where exports are offered to go (the user's data directory); relative paths typed in the
    /// export dialog are taken from here, never from wherever the wizard was started.
    public var exportFolder = ""

    public init() {}

    /// The Event filter's terms (comma or space separated), as typed.
    public var eventTerms: [String] {
        text(.event).split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
    }

    /// Known event types containing `term` (any case), in order.
    public func types(matching term: String) -> [String] {
        let needle = term.lowercased()
        guard !needle.isEmpty else { return [] }
        return knownTypes.filter { $0.lowercased().contains(needle) }
    }

    /// Rows a page holds on a terminal `height` rows tall: the page is what the screen shows.
    public static func pageSize(height: Int) -> Int { max(3, height - 13) }

    public func text(_ field: FilterField) -> String { filters[field]?.text ?? "" }
}

import Foundation

/// The case queue: tabs of cases with counts, a selection and a search.
public struct QueueModel: Sendable, Equatable {
    public enum Tab: Int, Sendable, CaseIterable {
        case mine, awaiting, review, overdue, closed

        public var title: String {
            switch self {
            case .mine: return "My open cases"
            case .awaiting: return "Awaiting enrolment"
            case .review: return "Senior review"
            case .overdue: return "Overdue"
            case .closed: return "Recently closed"
            }
        }
    }

    public struct Row: Sendable, Equatable {
        public var id: String
        public var subject: String
        public var status: String
        public var step: String
        public var updated: Date
        public var overdue: Bool
        public var holder: String?
        public var outcome: String?

        public init(id: String, subject: String, status: String, step: String, updated: Date, overdue: Bool, holder: String?, outcome: String?) {
            self.id = id
            self.subject = subject
            self.status = status
            self.step = step
            self.updated = updated
            self.overdue = overdue
            self.holder = holder
            self.outcome = outcome
        }
    }

    public var tab: Tab = .mine
    /// Rows per tab, as last loaded.
    public var rows: [Tab: [Row]] = [:]
    public var selected = 0
    public var search = TextInput()
    public var searching = false

    public init() {}

    /// The current tab's rows that match the search (email or case id, any case).
    public var visibleRows: [Row] {
        let all = rows[tab] ?? []
        let needle = search.text.lowercased()
        guard !needle.isEmpty else { return all }
        return all.filter { $0.subject.lowercased().contains(needle) || $0.id.lowercased().contains(needle) }
    }

    public func count(_ tab: Tab) -> Int { rows[tab]?.count ?? 0 }
}

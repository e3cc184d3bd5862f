import Casework
import Foundation

/// The case queue: tabs of cases with counts, a selection and a search.
public struct QueueModel: Sendable, Equatable {
    public typealias Tab = QueueTab
    public typealias Row = QueueRow

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

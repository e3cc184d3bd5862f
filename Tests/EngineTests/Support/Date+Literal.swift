import Foundation

extension Date {
    /// A literal instant such as `Date("2026-05-17T10:00:00Z")`. Tests name exact times so
    /// that "before today" and "15 minutes" edges are visible in the test text.
    init(_ iso8601: String) {
        guard let date = ISO8601DateFormatter().date(from: iso8601) else {
            preconditionFailure("not an ISO 8601 instant: \(iso8601)")
        }
        self = date
    }
}

extension TimeZone {
    static let utc = TimeZone(identifier: "UTC")!
    /// East of UTC: local midnight falls on the previous UTC day, which is where a
    /// time-zone-naive "before today" goes wrong.
    static let berlin = TimeZone(identifier: "Europe/Berlin")!
    /// West of UTC: local "yesterday evening" falls on today's UTC date.
    static let newYork = TimeZone(identifier: "America/New_York")!
}

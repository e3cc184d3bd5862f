import Foundation

/// How the organisation's ticket references are written: a regular expression the whole
/// reference must match. The default accepts the common ticket systems — Jira and most trackers
/// (`SUP-1234`, `HR-5521`, `SUP-T1`), ServiceNow (`INC0012345`, `RITM0012345`, `REQ0012345`)
/// and Zendesk-style numbers (`#12345`) — and nothing that is not a single token (no spaces, no
/// punctuation to smuggle anything through). An organisation whose tickets look otherwise sets
/// `ticketPattern` in its configuration; the pattern is compiled (and a broken one reported)
/// before any command runs.
///
/// The default pattern is matched by `StandardTicketReference`, written out by hand: compiling
/// it with ICU's regular expressions cost about 1.8 ms of every command's start-up (ICU builds
/// its character-class tables on the first compile), for a field most commands never read. A
/// configured pattern is compiled with `NSRegularExpression`.
///
/// Immutable after `init`; `NSRegularExpression` is documented as safe to use from several
/// threads at once ("NSRegularExpression is … thread safe", Foundation's class reference), hence
/// the unchecked conformance.
public struct TicketPattern: @unchecked Sendable, Equatable, CustomStringConvertible {
    /// The pattern as configured (without the anchoring added to it).
    public let source: String
    /// nil for the default pattern, which `StandardTicketReference` matches.
    private let expression: NSRegularExpression?

    public static let defaultSource = "#[0-9]{1,12}|[A-Za-z][A-Za-z0-9]{0,15}-[A-Za-z]{0,3}[0-9]{1,12}|[A-Za-z]{2,8}[0-9]{4,12}"

    /// The default pattern (a test holds `StandardTicketReference` to what ICU makes of `defaultSource`).
    public static let standard = TicketPattern(standardSource: defaultSource)

    private init(standardSource: String) {
        source = standardSource
        expression = nil
    }

    /// The default pattern compiled by ICU, as a configured pattern would be: what the tests
    /// compare `StandardTicketReference` with.
    public static func compiledDefault() throws(Problem) -> TicketPattern {
        try TicketPattern(compiling: defaultSource)
    }

    /// Why a configured pattern cannot be used.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// Compiles `source`, which must match the whole reference (it is anchored here: `^(?:…)$`).
    /// The default pattern is not compiled: `StandardTicketReference` matches it.
    public init(_ source: String) throws(Problem) {
        if source == Self.defaultSource {
            self.init(standardSource: source)
        } else {
            try self.init(compiling: source)
        }
    }

    private init(compiling source: String) throws(Problem) {
        guard !source.isEmpty else { throw Problem(description: "the ticket pattern is empty") }
        let expression: NSRegularExpression
        do {
            expression = try NSRegularExpression(pattern: "^(?:" + source + ")$")
        } catch {
            throw Problem(description: "\"\(source)\" is not a regular expression ICU accepts (NSRegularExpression): \((error as NSError).localizedDescription)")
        }
        // A pattern that takes an empty reference would make the field optional in disguise.
        if expression.firstMatch(in: "", range: NSRange(location: 0, length: 0)) != nil {
            throw Problem(description: "\"\(source)\" matches an empty reference; it must require at least one character")
        }
        self.expression = expression
        self.source = source
    }

    /// Whether `reference` is one whole ticket reference.
    public func matches(_ reference: String) -> Bool {
        guard let expression else { return StandardTicketReference.matches(reference) }
        let range = NSRange(reference.startIndex..<reference.endIndex, in: reference)
        return expression.firstMatch(in: reference, options: [.anchored], range: range) != nil
    }

    /// What a field says when a reference does not match.
    public var expectation: String {
        self == .standard ? "must be a ticket reference such as SUP-1234, INC0012345 or #1234"
            : "must be a ticket reference as this organisation writes them (its ticketPattern is \(source))"
    }

    public var isStandard: Bool { source == Self.defaultSource }

    public var description: String { source }

    public static func == (a: TicketPattern, b: TicketPattern) -> Bool { a.source == b.source }
}

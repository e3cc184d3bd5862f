import Foundation
import Runbook

/// What the gates need to know about the organisation running the help desk, as a plain value:
/// the mail domains its staff write from (a vouching ticket must come from one of them), the
/// country code a phone number typed without one belongs to, and its time zone ("today" for the
/// call-back rule). The edges fill it from configuration (the user's config file today; a
/// root-owned system configuration in a locked deployment) and hand it down in `DecisionContext`.
public struct Organisation: Sendable, Equatable {
    /// Lower-cased domains, without a leading "@" ("example.com"). Empty: not configured, and a
    /// gate that needs them fails closed.
    public var domains: [String]
    /// The ITU-T E.164 country calling code for numbers typed without one ("44", "1"); nil when
    /// not configured, and such numbers cannot be compared with numbers on file.
    public var defaultCountryCode: String?
    public var timeZone: TimeZone
    /// Accounts the organisation declares privileged (lower-cased emails), whatever the platform
    /// or an operator typing facts says: "privileged" never rests on the agent's word alone.
    public var privilegedAccounts: Set<String>
    /// How the organisation's ticket references are written (a vouching ticket, the call's ticket).
    public var ticketPattern: TicketPattern

    public init(domains: [String] = [], defaultCountryCode: String? = nil, timeZone: TimeZone, privilegedAccounts: [String] = [],
                ticketPattern: TicketPattern = .standard) {
        self.ticketPattern = ticketPattern
        self.privilegedAccounts = Set(privilegedAccounts.map { $0.lowercased() })
        self.domains = domains.map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "@ ")) }.filter { !$0.isEmpty }
        self.defaultCountryCode = defaultCountryCode.flatMap(Self.countryCode)
        self.timeZone = timeZone
    }

    /// Whether `email` is an address in one of the organisation's domains (or a subdomain of one).
    public func owns(email: String) -> Bool {
        guard let at = email.lastIndex(of: "@") else { return false }
        let domain = email[email.index(after: at)...].lowercased()
        return domains.contains { domain == $0 || domain.hasSuffix("." + $0) }
    }

    /// A country calling code as configured ("+44", "44", "0044") reduced to its digits; nil
    /// unless it is 1 to 3 ASCII digits not starting with 0.
    public static func countryCode(_ text: String) -> String? {
        var digits = text.trimmingBlanks()
        if digits.hasPrefix("+") { digits.removeFirst() } else if digits.hasPrefix("00") { digits.removeFirst(2) }
        guard (1...3).contains(digits.unicodeScalars.count), digits.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }),
              !digits.hasPrefix("0") else { return nil }
        return digits
    }
}

import Foundation
import Runbook

/// Validates and normalises what an operator typed into a field, by the field's type.
/// Values are stored normalised (phone numbers as `+digits`, emails lower-cased, yes/no as
/// `yes`/`no`) so that gates compare like with like.
public enum FieldValidator {
    /// The longest a free-text value may be unless the runbook says otherwise.
    public static let defaultMaximumLength = 2000

    /// `defaultCountryCode` is the organisation's, for phone numbers typed without one;
    /// `ticketPattern` how its ticket references are written.
    public static func normalise(_ raw: String, for field: Field, defaultCountryCode: String? = nil,
                                 ticketPattern: TicketPattern = .standard) -> Result<String, FieldProblem> {
        // Text pasted from Windows carries CR LF; it is one line break, stored as LF.
        let value = (raw.utf8.contains(UInt8(ascii: "\r")) ? raw.replacingOccurrences(of: "\r\n", with: "\n") : raw).trimmingWhitespace()
        if value.isEmpty { return .failure(.missing) }
        if let bad = value.unicodeScalars.first(where: { isForbiddenControl($0, allowNewlines: field.kind == .text) }) {
            let what = isInvisible(bad) ? "the invisible character" : "the control character"
            return .failure(.invalid("contains \(what) U+\(String(format: "%04X", bad.value)); type plain text"))
        }
        let limit = field.maxLength ?? defaultMaximumLength
        // Counted in Unicode scalars, not Characters: one Character can carry any number of
        // combining marks, and the limit is there to bound what is stored, logged and drawn.
        let length = value.unicodeScalars.count
        if length > limit { return .failure(.invalid("is \(length) characters long; at most \(limit) are allowed")) }

        switch field.kind {
        case .text:
            return .success(value)
        case .choice:
            guard field.option(value) != nil else {
                return .failure(.invalid("must be one of: \(field.options.map(\.value).joined(separator: ", "))"))
            }
            return .success(value)
        case .yesno:
            switch value.lowercased() {
            case "yes", "y", "true": return .success("yes")
            case "no", "n", "false": return .success("no")
            default: return .failure(.invalid("must be yes or no"))
            }
        case .date:
            return CalendarDay(parsing: value).map { .success($0.description) }
                ?? .failure(.invalid("must be a date written YYYY-MM-DD, e.g. 2026-05-17"))
        case .phone:
            return PhoneNumber.normalise(value, defaultCountryCode: defaultCountryCode).map { .success($0) }
                ?? .failure(.invalid("must be a phone number of 7 to 15 digits (0-9), optionally starting with + or 00"))
        case .ticket:
            return ticketPattern.matches(value) ? .success(value) : .failure(.invalid(ticketPattern.expectation))
        case .email:
            // ASCII only: a look-alike letter (Cyrillic а for Latin a), a combining mark or a
            // Hangul filler makes an address that displays as another and hides from searches.
            // International domains are written as their IDNA A-labels (RFC 5890: "xn--…").
            guard value.unicodeScalars.allSatisfy({ $0.isASCII }) else {
                return .failure(.invalid("must be an ASCII email address (write an international domain as its xn-- A-label)"))
            }
            let lowered = value.lowercased()
            return isEmail(lowered) ? .success(lowered) : .failure(.invalid("must be an email address"))
        }
    }

    /// C0 and C1 controls (and DEL) never belong in a field: they are how escape sequences
    /// reach a terminal. Nor do format characters such as bidirectional overrides (U+202E), which
    /// make text display other than it reads. Newlines and tabs are allowed in free text only.
    /// Nor do invisible characters: Unicode's default-ignorable code points (zero-width joiners
    /// and spaces, variation selectors, Hangul fillers, soft hyphens…), which hide inside text
    /// that then displays as something it is not.
    public static func isForbiddenControl(_ scalar: Unicode.Scalar, allowNewlines: Bool) -> Bool {
        if allowNewlines && (scalar == "\n" || scalar == "\t") { return false }
        return scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
            || isInvisible(scalar)
    }

    /// Format characters (bidirectional overrides, zero-width characters) and every
    /// default-ignorable code point (Unicode Standard, section 5.21; DerivedCoreProperties.txt).
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .format || scalar.properties.isDefaultIgnorableCodePoint
            || scalar.value == 0x115F || scalar.value == 0x1160 || scalar.value == 0x3164 || scalar.value == 0xFFA0
    }

    public static func isEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64, parts[1].count <= 253 else { return false }
        let domain = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return domain.count >= 2 && domain.allSatisfy { !$0.isEmpty }
            && !s.contains(where: { $0.isWhitespace })
    }
}

/// Why a field's value cannot be accepted.
public enum FieldProblem: Error, Sendable, Equatable {
    case missing
    case invalid(String)
}

/// Text that comes from an identity platform (a display name, a factor's label, an address) is
/// data someone else chose: an attacker who can set their own display name can put U+202E or a
/// bell in it. Every platform adapter cleans its facts with this one function on the way in, so
/// that nothing downstream (the event log, exports, the screen, a pre-filled message that must
/// pass its own field's validation) ever holds such a character raw.
public enum PlatformText {
    /// What a removed character is replaced with: visible, so the change shows.
    public static let replacement: Unicode.Scalar = "\u{FFFD}"

    /// The longest piece of platform text kept, in Unicode scalars: a display name or label longer
    /// than this is cut, so that a message quoting it stays within its field's limit.
    public static let maximumLength = 200

    /// `text` with every control, bidirectional-format or invisible (default-ignorable) scalar
    /// replaced by U+FFFD, the same set typed fields refuse (`FieldValidator.isForbiddenControl`),
    /// cut to `limit` scalars.
    public static func clean(_ text: String, limit: Int? = maximumLength) -> String {
        var out = String.UnicodeScalarView()
        var kept = 0
        var changed = false
        for scalar in text.unicodeScalars {
            if let limit, kept >= limit {
                changed = true
                break
            }
            let forbidden = FieldValidator.isForbiddenControl(scalar, allowNewlines: false)
            changed = changed || forbidden
            out.append(forbidden ? replacement : scalar)
            kept += 1
        }
        return changed ? String(out) : text
    }
}

extension PlatformFacts {
    /// The same facts with every piece of text cleaned (`PlatformText.clean`).
    public func cleaned() -> PlatformFacts {
        var facts = self
        facts.user.email = PlatformText.clean(user.email, limit: nil)
        facts.user.displayName = PlatformText.clean(user.displayName)
        facts.factors = factors.map { factor in
            var f = factor
            f.kind = PlatformText.clean(factor.kind)
            f.label = PlatformText.clean(factor.label)
            f.enrolledFrom = factor.enrolledFrom.map { PlatformText.clean($0) }
            return f
        }
        facts.phoneNumbers = phoneNumbers.map { PhoneNumberOnFile(number: PlatformText.clean($0.number), addedAt: $0.addedAt) }
        facts.federatedLinks = federatedLinks.map { FederatedLink(provider: PlatformText.clean($0.provider), linkedAt: $0.linkedAt) }
        facts.signIns = signIns.map { SignInAttempt(at: $0.at, address: PlatformText.clean($0.address), succeeded: $0.succeeded,
                                                    method: PlatformText.clean($0.method)) }
        facts.notificationAddresses = notificationAddresses.map { PlatformText.clean($0) }
        return facts
    }
}

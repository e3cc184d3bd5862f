import Engine
import Foundation
import Runbook

/// For teams whose identity platform is elsewhere. The operator reads each fact off the named
/// console screen and types it (`handrail case facts`), which records a `facts.recorded` event;
/// the operator performs each action in the real console and attests it. The gates are the same.
public struct ManualConsole: IdentityPlatform {
    public let name = "manual"
    public let summary = "ManualConsole: facts typed from the admin console, actions attested"

    /// The organisation's time zone: a typed date without a time is a day there, not in UTC.
    public var timeZone: TimeZone

    public init(timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.timeZone = timeZone
    }

    /// Every fact the operator can type, where to read it, and an example: one per `PlatformFact`.
    public static let factKeys: [MissingFact] = [
        MissingFact(key: "name", description: "the user's display name", consoleScreen: "User detail → Profile", example: "name=\"Ada Lovelace\""),
        MissingFact(key: "codes", description: "backup codes remaining", consoleScreen: "User detail → MFA tab → Backup codes", example: "codes=0"),
        MissingFact(key: "phone", description: "a phone number on the account and the date it was added (repeat for each)",
                    consoleScreen: "User detail → Profile → Phone numbers", example: "phone=+15550100@2024-03-01"),
        MissingFact(key: "privileged", description: "whether the user is a tenant admin", consoleScreen: "User detail → Roles", example: "privileged=no"),
        MissingFact(key: "suspended", description: "whether the account is suspended", consoleScreen: "User detail → Status", example: "suspended=no"),
        MissingFact(key: "federated", description: "a linked federated identity and when it was linked (repeat for each)",
                    consoleScreen: "User detail → Linked identities", example: "federated=google@2023-01-10"),
        MissingFact(key: "signins", description: "recent sign-ins: outcome, address and time (repeat for each), or none",
                    consoleScreen: "User detail → Sign-in log", example: "signins=failed:203.0.113.9@2026-11-29T08:12"),
        MissingFact(key: "factor", description: "an enrolled factor: kind, label and when it was enrolled (repeat for each), or none",
                    consoleScreen: "User detail → MFA tab → Factors", example: "factor=totp:Pixel 9@2026-11-29T10:40"),
        MissingFact(key: "manager", description: "the user's manager's email, where the profile shows one (optional)",
                    consoleScreen: "User detail → Profile → Manager", example: "manager=maria.lopez@example.com"),
        MissingFact(key: "enrolledfrom",
                    description: "the address of the sign-in that enrolled the new factor, and whether the sign-in log shows the user "
                        + "signing in from it before the reset (seen) or not (new)",
                    consoleScreen: "User detail → Sign-in log (the sign-in just before the new factor)", example: "enrolledfrom=seen:198.51.100.7"),
        MissingFact(key: "notify", description: "an address account notices go to (repeat for each: the primary email and every recovery address)",
                    consoleScreen: "User detail → Profile → Email and notification addresses", example: "notify=ada@example.com"),
    ]

    public func facts(subject: String, history: [CaseEvent], now: Date) throws -> PlatformFacts {
        let typed = Self.typedFacts(history)
        var facts = PlatformFacts(user: UserRecord(email: subject, displayName: typed["name"]?.first ?? subject,
                                                   privileged: typed["privileged"]?.first == "yes",
                                                   suspended: typed["suspended"]?.first == "yes", manager: typed["manager"]?.first))
        facts.backupCodesRemaining = typed["codes"]?.first.flatMap { Int($0) } ?? 0
        facts.phoneNumbers = (typed["phone"] ?? []).compactMap { entry in
            // A number typed with only the day it was added counts as added at the end of that day:
            // "today" must never read as midnight UTC, which passes "before today" west of Greenwich.
            Self.split(entry).flatMap { number, date in
                Self.date(date, in: timeZone, dayMeans: .end).map { PhoneNumberOnFile(number: number, addedAt: $0) }
            }
        }
        facts.federatedLinks = (typed["federated"] ?? []).compactMap { entry in
            Self.split(entry).flatMap { provider, date in
                Self.date(date, in: timeZone, dayMeans: .end).map { FederatedLink(provider: provider, linkedAt: $0) }
            }
        }
        facts.signIns = (typed["signins"] ?? []).compactMap { entry in
            guard let (head, date) = Self.split(entry), let at = Self.date(date, in: timeZone, dayMeans: .start) else { return nil }
            let parts = head.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return nil }
            return SignInAttempt(at: at, address: parts[1], succeeded: parts[0] == "ok", method: "typed")
        }
        facts.factors = (typed["factor"] ?? []).compactMap { entry in
            guard let (head, date) = Self.split(entry), let at = Self.date(date, in: timeZone, dayMeans: .start) else { return nil }
            let parts = head.split(separator: ":", maxSplits: 1).map(String.init)
            return EnrolledFactor(kind: parts[0], label: parts.count > 1 ? parts[1] : parts[0], enrolledAt: at)
        }
        // The operator's reading of the sign-in log belongs to the newest factor typed: the new one.
        if let origin = typed["enrolledfrom"]?.first, let newest = facts.factors.indices.max(by: { facts.factors[$0].enrolledAt < facts.factors[$1].enrolledAt }) {
            let parts = origin.split(separator: ":", maxSplits: 1).map(String.init)
            if parts.count == 2 {
                facts.factors[newest].enrolledFrom = parts[1]
                facts.factors[newest].enrolledFromSeenBefore = parts[0] == "seen"
            }
        }
        facts.notificationAddresses = typed["notify"] ?? []
        return facts.cleaned()
    }

    /// The facts the step's gates and transitions declare they decide on (`CaseEngine.requiredFacts`).
    /// Until they are typed, the step cannot be decided: an untyped "backup codes remaining" must
    /// never read as zero and lead to a reset.
    public func missingFacts(for step: Step, values: [String: String], history: [CaseEvent]) -> [MissingFact] {
        let typed = Self.typedFacts(history)
        return CaseEngine.requiredFacts(for: step, values: values)
            .filter { typed[$0.rawValue] == nil }
            .compactMap { fact in Self.factKeys.first { $0.key == fact.rawValue } }
    }

    public func knownFacts(history: [CaseEvent]) -> Set<String>? {
        Set(Self.typedFacts(history).keys)
    }

    public func perform(_ request: ActionRequest) throws -> ActionOutcome {
        guard let attestation = request.attestation?.trimmingWhitespace(), !attestation.isEmpty else {
            return .awaitingAttestation(instructions: Self.instructions(for: request.action, notice: request.notification))
        }
        if request.action == .sendNotification {
            // Attested address by address: a notice sent to the primary email only would not reach a
            // user whose mailbox the attacker holds.
            let recipients = request.notification?.recipients ?? []
            if recipients.isEmpty { return .failed("No notification address is on file: type them (handrail case facts ID notify=ADDRESS)") }
            let unnamed = recipients.filter { !attestation.lowercased().contains($0.lowercased()) }
            guard unnamed.isEmpty else {
                return .awaitingAttestation(instructions: Self.instructions(for: request.action, notice: request.notification)
                                            + " Not recorded: the attestation does not name " + unnamed.joined(separator: ", ") + ".")
            }
            return .completed(details: ["platform": .string("manual"), "attestation": .string(attestation),
                                        "recipients": .array(recipients.map(JSONValue.string))], shownOnce: [])
        }
        return .completed(details: ["platform": .string("manual"), "attestation": .string(attestation)], shownOnce: [])
    }

    /// The operator acts in the console and attests it.
    public var actsItself: Bool { false }

    public func outcome(of request: ActionRequest) throws -> ActionOutcome? {
        nil // Only the operator knows whether they pressed the button; they attest.
    }

    static func instructions(for action: PlatformAction, notice: RecoveryNotice? = nil) -> String {
        switch action {
        case .resetFactors: return "In the admin console: User detail → Actions menu → Force MFA reset, and confirm in the modal."
        case .generateBackupCodes: return "In the admin console: User detail → MFA → Generate backup codes for this user. Read them to the user over the verification channel; do not write them down."
        case .setTemporaryPassword: return "In the admin console: User detail → Actions menu → Reset password → Set temporary password (must change at first sign-in). Give it to the user over the verification channel."
        case .suspendUser: return "In the admin console: Users → Disable."
        case .sendNotification:
            let to = notice.map { $0.recipients.joined(separator: ", ") } ?? "every notification address on file"
            return "Send the follow-up message (the case's message field), subject \"\(notice?.subject ?? "")\", to each of: \(to). "
                + "Then attest naming every address you sent it to."
        }
    }

    // MARK: - Typed facts

    /// The facts typed so far: for each key, the values of the latest `facts.recorded` that gave it.
    static func typedFacts(_ history: [CaseEvent]) -> [String: [String]] {
        var typed: [String: [String]] = [:]
        for event in history {
            guard case .factsRecorded(let recorded) = event.body else { continue }
            for (key, value) in recorded.facts {
                switch value {
                case .array(let items): typed[key] = items.compactMap(\.stringValue).filter { $0 != "none" }
                case .string(let s): typed[key] = s == "none" ? [] : [s]
                default: continue
                }
            }
        }
        return typed
    }

    /// Parses `key=value` words typed by the operator into a `facts.recorded` payload, or says what is wrong.
    public static func parse(_ words: [String]) -> Result<[String: JSONValue], FactError> {
        var grouped: [String: [String]] = [:]
        for word in words {
            guard let eq = word.firstIndex(of: "=") else { return .failure(FactError("\"\(word)\" is not key=value")) }
            let key = String(word[..<eq]), value = String(word[word.index(after: eq)...]).trimmingBlanks()
            guard factKeys.contains(where: { $0.key == key }) else {
                return .failure(FactError("unknown fact \"\(key)\"; known: \(factKeys.map(\.key).joined(separator: ", "))"))
            }
            if let problem = validate(key: key, value: value) { return .failure(FactError("\(key)=\(value): \(problem)")) }
            grouped[key, default: []].append(value)
        }
        guard !grouped.isEmpty else { return .failure(FactError("type at least one fact, e.g. codes=0")) }
        var out: [String: JSONValue] = [:]
        for (key, values) in grouped {
            let single = ["name", "codes", "privileged", "suspended", "manager", "enrolledfrom"].contains(key)
            if single && values.count > 1 { return .failure(FactError("\(key) given twice")) }
            out[key] = single ? .string(values[0]) : .array(values.map(JSONValue.string))
        }
        return .success(out)
    }

    private static func validate(key: String, value: String) -> String? {
        // The same rule as every typed field: a display name carrying U+202E would otherwise be
        // stored, exported raw, and poison the follow-up message it is quoted in.
        if value.unicodeScalars.contains(where: { FieldValidator.isForbiddenControl($0, allowNewlines: false) }) {
            return "contains control characters"
        }
        switch key {
        case "name": return value.isEmpty || value.count > 200 ? "give a name of 1 to 200 characters" : nil
        case "codes": return Int(value).map { $0 >= 0 && $0 < 1000 } == true ? nil : "a whole number from 0"
        case "privileged", "suspended": return value == "yes" || value == "no" ? nil : "yes or no"
        case "manager":
            let field = Field(id: "manager", label: "Manager", kind: .email)
            if case .failure = FieldValidator.normalise(value, for: field) { return "write the manager's email address" }
            return nil
        case "phone":
            guard let (number, date) = split(value) else { return "write NUMBER@YYYY-MM-DD" }
            if PhoneNumber.normalise(number) == nil { return "\(number) is not a phone number" }
            return Self.date(date) == nil ? "\(date) is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)" : nil
        case "federated":
            guard value != "none" else { return nil }
            guard let (_, date) = split(value) else { return "write PROVIDER@YYYY-MM-DD" }
            return Self.date(date) == nil ? "\(date) is not a date" : nil
        case "enrolledfrom":
            let parts = value.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0] == "seen" || parts[0] == "new", !parts[1].trimmingBlanks().isEmpty else {
                return "write seen:ADDRESS (the sign-in log shows the user signing in from it before the reset) or new:ADDRESS"
            }
            return nil
        case "notify":
            guard case .success = FieldValidator.normalise(value, for: Field(id: "notify", label: "Notification address", kind: .email)) else {
                return "\(value) is not an email address"
            }
            return nil
        case "signins", "factor":
            guard value != "none" else { return nil }
            guard let (head, date) = split(value), Self.date(date) != nil else { return "write \(key == "signins" ? "ok|failed:ADDRESS" : "KIND:LABEL")@YYYY-MM-DDTHH:MM" }
            if key == "signins" {
                let parts = head.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, parts[0] == "ok" || parts[0] == "failed" else { return "write ok:ADDRESS or failed:ADDRESS before the @" }
            }
            return nil
        default: return nil
        }
    }

    static func split(_ entry: String) -> (String, String)? {
        guard let at = entry.lastIndex(of: "@") else { return nil }
        let head = String(entry[..<at]), tail = String(entry[entry.index(after: at)...])
        return head.isEmpty || tail.isEmpty ? nil : (head, tail)
    }

    /// A typed date: YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] in UTC.
    static func date(_ text: String) -> Date? {
        date(text, in: TimeZone(identifier: "UTC")!, dayMeans: .start)
    }

    enum DayMeans { case start, end }

    /// A typed date with a time is UTC; a day alone is that day in `timeZone`, read as its first
    /// moment or (where later is the cautious reading, as for when a number was added) its last.
    static func date(_ text: String, in timeZone: TimeZone, dayMeans: DayMeans) -> Date? {
        guard let day = CalendarDay(parsing: text) else { return EventTime.parseLenient(text) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard let start = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day)) else { return nil }
        switch dayMeans {
        case .start: return start
        case .end:
            let next = calendar.date(byAdding: .day, value: 1, to: start) ?? start.addingTimeInterval(86400)
            return next.addingTimeInterval(-0.001)
        }
    }
}

public struct FactError: Error, Sendable, Equatable {
    public var message: String
    init(_ message: String) { self.message = message }
}

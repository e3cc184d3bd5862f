import Foundation
import Runbook

/// Gates of out-of-band identity verification (procedure, step 1).
enum VerificationChecks {
    static let all: [Check] = [methodAcceptable, callbackOnFileBeforeToday, callbackNotCallerSupplied,
                               ticketNotOpenedBySubject, ticketFromSubjectsManager, federatedLinkOnFile, verificationFresh]

    /// Email match, knowledge questions, an emailed code or a chat message are not verification.
    private static let method = FieldInput(VerificationField.method, [.choice])

    static let methodAcceptable = Check(name: "verificationMethodAcceptable", label: "Acceptable verification method",
                                        inputs: CheckInputs(fields: [method])) { c in
        guard let method = c.values[VerificationField.method], let option = c.step.field(VerificationField.method)?.option(method) else {
            return .notApplicable // the field's own line says it is missing
        }
        return option.acceptable ? .pass("\(option.label)") : .fail("Not acceptable: \(option.refusal ?? option.label)")
    }

    /// The call-back number must have been on the account before today: a number added today
    /// may have been added by the attacker who is on the line. What counts is the number's most
    /// recent (re)addition, not its first: removed and re-added this morning is added this
    /// morning. It must be before the start of today in the organisation's time zone and at
    /// least `callbackMinimumAgeHours` old, so that "yesterday, 23:50" does not pass at 00:10.
    static let callbackOnFileBeforeToday = Check(
        name: "callbackNumberOnFileBeforeToday", label: "Call-back number on file before today",
        inputs: CheckInputs(fields: [FieldInput(VerificationField.method, [.choice], options: [VerificationMethod.callback.rawValue]),
                                     FieldInput(VerificationField.callbackNumber, [.phone])],
                            facts: [FactInput(PlatformFact.phoneNumbers.rawValue, whenField: VerificationField.method,
                                              equals: VerificationMethod.callback.rawValue)])
    ) { c in
        guard c.chosenMethod == .callback else { return .notApplicable }
        guard let called = c.values[VerificationField.callbackNumber] else { return .notApplicable } // the field's own line says it is missing
        let zone = c.timeZone
        let startOfToday = CalendarDay.startOfDay(c.now, in: zone)
        let minimumHours = c.settings.callbackMinimumAgeHours
        let code = c.organisation.defaultCountryCode
        let matches = c.facts.phoneNumbers.filter { PhoneNumber.same($0.number, called, defaultCountryCode: code) }
        guard let latest = matches.max(by: { $0.addedAt < $1.addedAt }) else {
            return .fail("\(called) is not on the account: call back only a number that was on file before today and for at least \(minimumHours) h")
        }
        let added = CalendarDay(latest.addedAt, in: zone)
        guard latest.addedAt < startOfToday else {
            return .fail("\(called) was added to the account today (\(added)): it could be the attacker's; call a number on file before today and for at least \(minimumHours) h")
        }
        let ageHours = c.now.timeIntervalSince(latest.addedAt) / 3600
        guard ageHours >= Double(minimumHours) else {
            return .fail("\(called) was added to the account \(Int(ageHours)) h ago (\(added)): call a number on file for at least \(minimumHours) h")
        }
        return .pass("\(called) on file since \(added) (at least \(minimumHours) h)")
    }

    /// Never call back the number the caller just supplied, even if it happens to be on file.
    static let callbackNotCallerSupplied = Check(
        name: "callbackNumberNotCallerSupplied", label: "Not the number the caller gave",
        inputs: CheckInputs(fields: [FieldInput(VerificationField.method, [.choice], options: [VerificationMethod.callback.rawValue]),
                                     FieldInput(VerificationField.callbackNumber, [.phone]),
                                     FieldInput(VerificationField.callerNumber, [.phone])])
    ) { c in
        guard c.chosenMethod == .callback, let called = c.values[VerificationField.callbackNumber] else { return .notApplicable }
        guard let given = c.values[VerificationField.callerNumber] else { return .pass("The caller gave no number") }
        // Compared as E.164 with the organisation's country code, and, where either lacks a
        // country code, by their trailing digits: "555-0199" must not pass for "+15550199".
        return PhoneNumber.mightBeSame(given, called, defaultCountryCode: c.organisation.defaultCountryCode)
            ? .fail("You called the number the caller just gave you; call a number that was on the account before today")
            : .pass("Called a different number from the one the caller gave")
    }

    /// A vouching ticket opened by the subject is the subject vouching for themself; one opened
    /// from outside the organisation's domains is anyone at all.
    static let ticketNotOpenedBySubject = Check(
        name: "ticketNotOpenedBySubject", label: "Ticket opened by someone else",
        inputs: CheckInputs(fields: [FieldInput(VerificationField.method, [.choice], options: [VerificationMethod.ticket.rawValue]),
                                     FieldInput(VerificationField.ticketOpenedBy, [.email])])
    ) { c in
        guard c.chosenMethod == .ticket else { return .notApplicable }
        guard let opener = c.values[VerificationField.ticketOpenedBy] else { return .notApplicable } // the field's own line says it is missing
        if opener.lowercased() == c.state.subject.lowercased() {
            return .fail("The ticket was opened by \(opener), the user themself: a manager or HR must vouch")
        }
        if opener.lowercased() == c.actor.login.lowercased() || opener.lowercased().hasPrefix(c.actor.login.lowercased() + "@") {
            return .fail("The ticket was opened by you: a manager or HR must vouch")
        }
        // Anyone can open a ticket from a free mail address and call themself the manager.
        let domains = c.organisation.domains
        guard !domains.isEmpty else {
            return .fail("The organisation's mail domains are not configured (organisationDomains), so who opened the ticket cannot be checked: verify another way")
        }
        guard c.organisation.owns(email: opener) else {
            return .fail("\(opener) is not an address of the organisation (\(domains.joined(separator: ", "))): a manager or HR vouches from their work address")
        }
        return .pass("Opened by \(opener)")
    }

    /// Where the platform knows the user's manager, a ticket opened by anyone else is not the
    /// manager vouching: the checklist says so (the agent must see who it really was), and for a
    /// privileged account, whose reset is the prize, it is refused.
    static let ticketFromSubjectsManager = Check(
        name: "ticketFromSubjectsManager", label: "Ticket opened by the user's manager",
        inputs: CheckInputs(fields: [FieldInput(VerificationField.method, [.choice], options: [VerificationMethod.ticket.rawValue]),
                                     FieldInput(VerificationField.ticketOpenedBy, [.email])]),
        optionalFacts: [PlatformFact.manager.rawValue]
    ) { c in
        guard c.chosenMethod == .ticket, let opener = c.values[VerificationField.ticketOpenedBy] else { return .notApplicable }
        guard let manager = c.facts.user.manager?.lowercased(), !manager.isEmpty else { return .notApplicable }
        if opener.lowercased() == manager { return .pass("Opened by \(opener), the user's manager on the platform") }
        let what = "Ticket opened by \(opener), not the user's manager \(manager) (the platform's record)"
        if c.facts.user.privileged {
            return .fail(what + ": a privileged account is vouched for by its manager only; ask \(manager) to open the ticket, or verify another way")
        }
        return .warn(what + ": check with \(manager) that the request is real before you go on")
    }

    /// Federated self-service needs a federated identity actually linked to the account.
    static let federatedLinkOnFile = Check(
        name: "federatedLinkOnFile", label: "Federated identity linked",
        inputs: CheckInputs(fields: [FieldInput(VerificationField.method, [.choice], options: [VerificationMethod.federated.rawValue],
                                                scope: .verification)],
                            facts: [FactInput(PlatformFact.federatedLinks.rawValue, whenField: VerificationField.method,
                                              equals: VerificationMethod.federated.rawValue)])
    ) { c in
        guard c.verificationMethod == .federated else { return .notApplicable }
        guard let link = c.facts.federatedLinks.first else {
            return .fail("No federated identity (Google / SAML) is linked to this account")
        }
        return .pass("Linked to \(link.provider)")
    }

    /// An admin action needs a verification no older than the runbook allows.
    static let verificationFresh = Check(name: "verificationFresh", label: "Verification still valid",
                                         inputs: CheckInputs(fields: [FieldInput(VerificationField.method, [.choice], scope: .verification)])) { c in
        guard let v = c.state.verification else { return .fail("Identity has not been verified in this case") }
        let limit = c.settings.verificationValidityMinutes
        let age = c.now.timeIntervalSince(v.at)
        let minutes = Int(age / 60)
        guard age <= Double(limit) * 60 else {
            return .fail("Verified by \(v.term) \(minutes) min ago; it is valid for \(limit) min: verify again (restart-verification)")
        }
        return .pass("Verified by \(v.term) \(minutes) min ago (valid \(limit) min)")
    }
}

import Foundation
import Runbook

/// Gates in front of admin actions: force reset, admin-generated codes, temporary password, suspend.
enum ActionChecks {
    static let all: [Check] = [confirmationMatchesSubject, reasonNamesVerification, reasonGiven,
                               privilegedResetApproved, federatedUserApproved, linkedCaseApproved, deliveryOverVerificationChannel,
                               enrolledAfterReset]

    /// Typing the email, not picking it, makes the operator read whose account they are about to change.
    static let confirmationMatchesSubject = Check(name: "confirmationMatchesSubject", label: "Email typed to confirm",
                                                  inputs: CheckInputs(confirmationField: true)) { c in
        let fields = c.step.fields.filter(\.confirmsSubject)
        guard !fields.isEmpty else { return .notApplicable }
        for field in fields {
            guard let typed = c.values[field.id] else { return .notApplicable } // the field's own line says it is missing
            if typed.lowercased() != c.state.subject.lowercased() {
                return .fail("\(typed) is not the user's email: type \(c.state.subject) exactly")
            }
        }
        return .pass("Matches \(c.state.subject)")
    }

    /// "Lost phone" is not a reason. The reason must let an auditor find the verification:
    /// its method, its date and its reference.
    static let reasonNamesVerification = Check(name: "reasonNamesVerification", label: "Reason names the verification",
                                               inputs: CheckInputs(fields: [FieldInput(VerificationField.reference, [], scope: .verification)],
                                                                   reasonField: true)) { c in
        guard let v = c.state.verification else { return .fail("No verification to name: verify identity first") }
        let reason = (c.reason ?? "").lowercased()
        var missing: [String] = []
        if !reason.contains(v.term.lowercased()) { missing.append("the method (\(v.term))") }
        let day = CalendarDay(v.at, in: c.timeZone).description
        if !reason.contains(day) { missing.append("the date (\(day))") }
        if let reference = v.reference, !reason.contains(reference.lowercased()) { missing.append("the reference (\(reference))") }
        if ReasonRule.problem(c.reason ?? "", minimum: c.settings.minimumReasonLength) != nil {
            missing.append("at least \(c.settings.minimumReasonLength) characters in a sentence a reviewer can check")
        }
        return missing.isEmpty ? .pass("Names \(v.term), \(day)\(v.reference.map { ", \($0)" } ?? "")")
            : .fail("The reason must name " + missing.joined(separator: ", "))
    }

    static let reasonGiven = Check(name: "reasonGiven", label: "Reason given", inputs: CheckInputs(reasonField: true)) { c in
        let minimum = c.settings.minimumReasonLength
        guard let reason = c.reason else { return .fail("Give a reason of at least \(minimum) characters") }
        if let problem = ReasonRule.problem(reason, minimum: minimum) { return .fail("The reason \(problem)") }
        return .pass("\(reason.count) characters")
    }

    /// A tenant admin's account is the prize: every admin action on it (reset, generated codes,
    /// temporary password) takes a second person, a senior admin who approved after the current
    /// verification was recorded, and who is none of: the verifier, the case's opener, whoever
    /// asked for the approval, the operator who performs the action.
    static let privilegedResetApproved = Check(name: "privilegedResetApproved", label: "Second approval for a privileged account",
                                               inputs: CheckInputs(facts: [FactInput(PlatformFact.privileged.rawValue)])) { c in
        guard c.facts.user.privileged else { return .notApplicable }
        return approvalVerdict(c, missing: "Privileged account (tenant admin): a senior admin other than you must approve; request approval")
    }

    /// A user with a federated identity on file recovers through it (self-service): an admin
    /// reset instead needs a senior admin's approval, whose reason says why self-service cannot work.
    static let federatedUserApproved = Check(name: "federatedUserApproved", label: "Approval to reset a federated user",
                                             inputs: CheckInputs(facts: [FactInput(PlatformFact.federatedLinks.rawValue)])) { c in
        guard let link = c.facts.federatedLinks.first else { return .notApplicable }
        return approvalVerdict(c, missing: "A federated identity (\(link.provider)) is linked: the user can re-enrol through it themself. "
                               + "A reset needs a senior admin's approval saying why self-service cannot work; request approval")
    }

    /// A case an incident opened acts on an account an attacker held and lifts its suspension:
    /// every admin action in it takes the approval of a senior admin who did not work the
    /// incident (nobody who recorded an event on the incident case), so one person cannot declare
    /// an incident, suspend, relink and hand the account back.
    static let linkedCaseApproved = Check(name: "linkedCaseApproved", label: "Approval by a senior outside the incident") { c in
        guard c.state.linkedFromIncident else { return .notApplicable }
        let incident = c.state.linkedFrom ?? "?"
        return approvalVerdict(c, missing: "This case was opened by incident case \(incident): a senior admin who did not work the incident "
                               + "(\(c.state.incidentWorkers.joined(separator: ", "))) must approve; request approval")
    }

    /// An approval granted by a senior admin after the current verification, who is not the
    /// verifier, the opener, the requester or the operator performing the action.
    static func approvalVerdict(_ c: CheckContext, missing: String) -> CheckResult {
        guard let approval = c.state.approval else { return .fail(missing) }
        switch approval.state {
        case .requested:
            return .fail("Approval requested by \(approval.requestedBy); waiting for a senior admin")
        case .denied:
            return .fail("Approval denied by \(approval.decidedBy ?? "?"): \(approval.reason ?? "")")
        case .granted:
            let approver = approval.decidedBy ?? ""
            guard let v = c.state.verification, let decidedAt = approval.decidedAt, decidedAt >= v.at else {
                return .fail("The approval by \(approver) was given before the current verification: request approval again")
            }
            if let role = ApprovalRules.conflict(approver: approver, state: c.state, performer: c.actor.login) {
                return .fail("\(approver) approved this and is \(role): a senior admin who did not work the case must approve")
            }
            return .pass("Approved by \(approver) after the verification of \(CalendarDay(v.at, in: c.timeZone))")
        }
    }

    /// Admin-generated codes travel over the channel the user was verified on, and only a live
    /// channel (video, call-back) can carry them.
    static let deliveryChannel = "delivery_channel"

    static let deliveryOverVerificationChannel = Check(
        name: "deliveryOverVerificationChannel", label: "Delivered over the verification channel",
        inputs: CheckInputs(fields: [FieldInput(deliveryChannel, [.choice], options: VerificationMethod.allCases.filter(\.isLiveChannel).map(\.rawValue))])
    ) { c in
        guard let v = c.state.verification else { return .fail("No verification recorded") }
        guard let method = VerificationMethod(rawValue: v.method), method.isLiveChannel else {
            return .fail("Verified by \(v.term): codes can only be read to the user over a live video call or a call-back; verify that way first")
        }
        guard let channel = c.values[deliveryChannel] else { return .fail("Choose the delivery channel") }
        return channel == method.rawValue ? .pass("Over the \(v.term) used to verify")
            : .fail("Deliver over the channel used to verify (\(v.term)), not another")
    }

    /// The wait ends with a factor enrolled after the reset, not one left over from before it.
    static let enrolledAfterReset = Check(name: "enrolledAfterReset", label: "New factor enrolled after the reset",
                                          inputs: CheckInputs(facts: [FactInput(PlatformFact.factors.rawValue)])) { c in
        guard let since = c.state.lastActionCompletedAt else { return .fail("No admin action has completed yet") }
        guard let factor = c.facts.factors.filter({ $0.enrolledAt > since }).max(by: { $0.enrolledAt < $1.enrolledAt }) else {
            return .fail("No factor enrolled since the reset at \(CalendarDay(since, in: c.timeZone))")
        }
        return .pass("\(factor.kind) \"\(factor.label)\" enrolled")
    }
}

import Foundation
import Runbook

/// Gates that stop a case on a refusal signal (procedure, "When to refuse").
enum SignalChecks {
    static let all: [Check] = [noRefusalSignals, noUnusualActivity, subjectNotSuspended, actorIsSenior]

    /// A step only a senior admin may complete (opening the incident's linked case, which can
    /// lift the suspension).
    static let actorIsSenior = Check(name: "actorIsSenior", label: "Done by a senior admin") { c in
        c.actor.role == .senior ? .pass("\(c.actor.login) is a senior admin")
            : .fail("Only a senior admin may do this step; \(c.actor.login) is \(c.actor.role.rawValue): ask a senior admin")
    }

    /// A signal the operator raised (pressure, cannot verify, gut says no) blocks every step
    /// until a senior admin reopens the case.
    /// Refused, escalated or incident cases for the same person, found when the case was opened,
    /// are a signal too: the caller rang again after a refusal. Only a senior admin clears it.
    static let noRefusalSignals = Check(name: "noRefusalSignals", label: "No refusal signal raised") { c in
        if let prior = c.state.standingPriorCases {
            return .fail("Refused, escalated or incident cases for this user in the last \(prior.lookBackDays) days: "
                         + prior.cases.map(\.summary).joined(separator: "; ")
                         + ": a senior admin reviews them and clears them (clear-prior) or the case is refused")
        }
        guard let signal = c.state.signals.last else { return .pass("None raised") }
        let label = c.runbook.signal(signal.signal)?.label ?? signal.signal
        return .fail("\(label) (raised by \(signal.by)): refuse and escalate")
    }

    /// Several failed sign-ins from unfamiliar addresses: the platform says so, and the
    /// operator cannot wave it away.
    static let noUnusualActivity = Check(name: "noUnusualSignInActivity", label: "No unusual sign-in activity",
                                         inputs: CheckInputs(facts: [FactInput(PlatformFact.signIns.rawValue)])) { c in
        let rule = c.settings.unusualActivity
        let activity = UnusualActivity(signIns: c.facts.signIns, rule: rule, now: c.now,
                                       acknowledgedThrough: c.state.activityAcknowledgedThrough)
        guard activity.isUnusual else {
            return .pass("\(activity.failures.count) failed sign-in(s) from new addresses in \(rule.windowHours) h")
        }
        let addresses = activity.unfamiliarAddresses.prefix(3).joined(separator: ", ")
        return .fail("\(activity.failures.count) failed sign-ins in the last \(rule.windowHours) h from addresses not seen for this user in \(rule.lookbackDays) days (\(addresses)): refuse and escalate")
    }

    /// A suspended account is an incident in progress; only a case linked from that incident may act on it.
    static let subjectNotSuspended = Check(name: "subjectNotSuspended", label: "Account not suspended",
                                           inputs: CheckInputs(facts: [FactInput(PlatformFact.suspended.rawValue)])) { c in
        guard c.facts.user.suspended else { return .pass("Account active") }
        guard c.state.linkedFromIncident else {
            return .fail("The account is suspended: this is a security incident, not a recovery. Refuse and escalate")
        }
        // Only the suspension the incident carried out: an account suspended for another reason
        // (by someone else, before or after the incident) is not this case's to lift.
        let incident = c.state.linkedFrom ?? "?"
        guard let own = c.state.incidentSuspension else {
            return .fail("Incident case \(incident) recorded no suspension of its own: this account's suspension is not this case's to lift. Refuse and escalate")
        }
        if let by = c.facts.user.suspendedBy, by != own {
            return .fail("The account is suspended by \(by), not by incident case \(incident) (\(own)): refuse and escalate")
        }
        return .pass("Suspended by incident case \(incident) (\(own)); this is its linked case")
    }
}

import Foundation
import Runbook

/// Gates on the new factor once it is seen. The attacker who talked their way to a reset enrols
/// from their own machine: an address the user has never signed in from.
enum EnrolmentChecks {
    static let all: [Check] = [enrolledFromFamiliarAddress]

    /// The sign-in that enrolled the new factor came from an address (or device) the user signed in
    /// from successfully within the runbook's look-back (`unusualActivity.lookbackDays`) before the
    /// reset. Sign-ins after the reset do not count: the one that enrolled would vouch for itself.
    /// A platform that does not say where the factor was enrolled from fails closed.
    static let enrolledFromFamiliarAddress = Check(
        name: "enrolledFromFamiliarAddress", label: "New factor enrolled from an address seen for the user",
        inputs: CheckInputs(facts: [FactInput(PlatformFact.factors.rawValue), FactInput(PlatformFact.enrolmentSignIn.rawValue)])
    ) { c in
        guard let reset = c.state.lastActionCompletedAt,
              let factor = c.facts.factors.filter({ $0.enrolledAt > reset }).max(by: { $0.enrolledAt < $1.enrolledAt }) else {
            return .notApplicable // enrolledAfterReset says what is missing
        }
        guard let address = factor.enrolledFrom, !address.isEmpty else {
            return .fail("The platform does not say which sign-in enrolled \(factor.kind) \"\(factor.label)\": a senior admin reviews it")
        }
        let days = c.settings.unusualActivity.lookbackDays
        let seen = factor.enrolledFromSeenBefore ?? EnrolmentOrigin.seen(address, in: c.facts.signIns, before: reset,
                                                                           lookbackStart: c.now.addingTimeInterval(-Double(days) * 86_400))
        guard seen else {
            return .fail("\(factor.kind) \"\(factor.label)\" was enrolled from \(address), an address never seen for this user in the "
                         + "\(days) days before the reset: a senior admin reviews it before the follow-up")
        }
        return .pass("Enrolled from \(address), seen for this user before the reset")
    }
}

/// Whether an address is one the user signed in from before the reset.
public enum EnrolmentOrigin {
    public static func seen(_ address: String, in signIns: [SignInAttempt], before reset: Date, lookbackStart: Date) -> Bool {
        signIns.contains { $0.succeeded && $0.address == address && $0.at >= lookbackStart && $0.at < reset }
    }
}

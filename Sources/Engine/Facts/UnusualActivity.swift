import Foundation
import Runbook

/// The platform's refusal signal: failed sign-ins, within the window, from addresses the user
/// has not signed in from successfully in the look-back period. Computed, not asserted, so an
/// operator under pressure cannot talk themself past it.
public struct UnusualActivity: Sendable, Equatable {
    public var failures: [SignInAttempt]
    public var threshold: Int

    public var isUnusual: Bool { failures.count >= threshold }

    public var unfamiliarAddresses: [String] {
        var seen: [String] = []
        for failure in failures where !seen.contains(failure.address) { seen.append(failure.address) }
        return seen
    }

    /// - Parameter acknowledgedThrough: failures at or before this time were reviewed by a
    ///   senior admin who reopened the case; only newer ones count.
    public init(signIns: [SignInAttempt], rule: UnusualActivityRule, now: Date, acknowledgedThrough: Date? = nil) {
        let windowStart = now.addingTimeInterval(-Double(rule.windowHours) * 3600)
        let lookbackStart = now.addingTimeInterval(-Double(rule.lookbackDays) * 86_400)
        let familiar = Set(signIns.filter { $0.succeeded && $0.at >= lookbackStart && $0.at <= now }.map(\.address))
        self.failures = signIns
            .filter { !$0.succeeded && $0.at >= windowStart && $0.at <= now && !familiar.contains($0.address) }
            .filter { failure in acknowledgedThrough.map { failure.at > $0 } ?? true }
            .sorted { $0.at < $1.at }
        self.threshold = rule.failedSignInThreshold
    }
}

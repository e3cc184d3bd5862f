import Engine
import Foundation
import LocalTenant
import Platform
import Runbook

/// A LocalDirectory that "crashes" around one action: it forwards everything to the real
/// directory, but when asked to perform `action` it throws a simulated crash either before
/// passing the request on (the process died before the platform heard of it) or after the
/// platform carried it out and before CaseService could record the completion.
final class CrashingPlatform: IdentityPlatform {
    enum Moment: String, CaseIterable {
        case beforePerform
        case afterPerform
    }

    struct SimulatedCrash: Error, CustomStringConvertible {
        var moment: Moment
        var description: String { "simulated crash \(moment.rawValue)" }
    }

    let inner: LocalDirectory
    let action: PlatformAction
    let moment: Moment
    /// What the platform returned before the crash swallowed it (secrets included: lost with the process).
    private(set) var lostOutcome: ActionOutcome?
    private(set) var forwardedPerforms = 0

    init(_ inner: LocalDirectory, crashing action: PlatformAction, _ moment: Moment) {
        self.inner = inner
        self.action = action
        self.moment = moment
    }

    var name: String { inner.name }
    var summary: String { inner.summary }

    func facts(subject: String, history: [CaseEvent], now: Date) throws -> PlatformFacts {
        try inner.facts(subject: subject, history: history, now: now)
    }

    func missingFacts(for step: Step, values: [String: String], history: [CaseEvent]) -> [MissingFact] {
        inner.missingFacts(for: step, values: values, history: history)
    }

    func knownFacts(history: [CaseEvent]) -> Set<String>? {
        inner.knownFacts(history: history)
    }

    func outcome(of request: ActionRequest) throws -> ActionOutcome? {
        try inner.outcome(of: request)
    }

    func perform(_ request: ActionRequest) throws -> ActionOutcome {
        guard request.action == action else {
            forwardedPerforms += 1
            return try inner.perform(request)
        }
        switch moment {
        case .beforePerform:
            throw SimulatedCrash(moment: moment)
        case .afterPerform:
            forwardedPerforms += 1
            lostOutcome = try inner.perform(request)
            throw SimulatedCrash(moment: moment)
        }
    }
}

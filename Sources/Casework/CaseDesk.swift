import Engine
import Foundation
import Platform
import Runbook
import Store

/// The application layer as the edges use it: one reader, one command handler and one action
/// runner over the same context, built once per process (or per training attempt). The command
/// line and the wizard reach cases and the audit log only through this.
public final class CaseDesk {
    public let context: CaseworkContext
    public let reader: CaseReader
    public let commands: CaseCommandHandler
    public let actions: ActionRunner

    public init(_ context: CaseworkContext) {
        self.context = context
        reader = CaseReader(context)
        commands = CaseCommandHandler(context, reader: reader)
        actions = ActionRunner(context, reader: reader, commands: commands)
    }

    public var platform: IdentityPlatform { context.platform }
    public var timeZone: TimeZone { context.timeZone }
    public var now: Date { context.clock() }

    public func snapshot(_ caseID: String, actor: Actor) throws -> CaseSnapshot {
        try reader.snapshot(caseID, actor: actor)
    }

    public func open(subject: String, runbookID: String, actor: Actor) throws -> CaseOutcome {
        try commands.open(subject: subject, runbookID: runbookID, actor: actor)
    }

    /// Decides and commits `command`, then carries out its effects. `attestation` completes a
    /// ManualConsole action in the same call; `base` is the case as the caller already read it.
    public func perform(_ command: CaseCommand, on caseID: String, actor: Actor, attestation: String? = nil,
                        base: CaseSnapshot? = nil) throws -> CaseOutcome {
        let attested: String?
        switch Self.typedText(attestation, what: "attestation") {
        case .failure(let refusal): return .refused(refusal, caseID: caseID)
        case .success(let text): attested = text
        }
        let outcome = try commands.decide(command, on: caseID, actor: actor, base: base)
        // Handed to a senior (escalated, or waiting for an approval): the case is let go at once,
        // so that the senior's uphold, reopen or approval is not refused for the agent's hold.
        if outcome.refusal == nil, !outcome.stored.isEmpty,
           let status = outcome.decidedOn?.state.status, status == .escalated || status == .awaitingApproval {
            try? release(caseID, actor: actor)
        }
        guard outcome.refusal == nil, !outcome.effects.isEmpty else { return outcome }
        return try actions.carryOut(outcome, actor: actor, attestation: attested)
    }

    public func attest(_ caseID: String, actor: Actor, attestation: String?, failure: String? = nil) throws -> CaseOutcome {
        try actions.attest(caseID, actor: actor, attestation: attestation, failure: failure)
    }

    public func resumePendingAction(_ caseID: String, actor: Actor) throws -> CaseOutcome {
        try actions.resumePendingAction(caseID, actor: actor)
    }

    /// A senior admin's audited move of a case onto its runbook's current file. The case is let
    /// go at once: the senior moves it, the agent who works it goes on with it.
    public func migrateRunbook(_ caseID: String, actor: Actor, reason: String) throws -> CaseOutcome {
        let outcome = try commands.migrateRunbook(on: caseID, actor: actor, reason: reason)
        if outcome.refusal == nil, !outcome.stored.isEmpty { try? release(caseID, actor: actor) }
        return outcome
    }

    public func recordFacts(_ facts: [String: JSONValue], on caseID: String, actor: Actor) throws -> CaseOutcome {
        try commands.recordFacts(facts, on: caseID, actor: actor)
    }

    public func hold(_ caseID: String, actor: Actor) throws -> HoldResult {
        try commands.hold(caseID, actor: actor)
    }

    public func release(_ caseID: String, actor: Actor) throws {
        try commands.release(caseID, actor: actor)
    }

    /// What the operator typed as an attestation or a failure is stored and shown like any field:
    /// plain text (no control characters or escape sequences), of bounded length, normalised.
    /// Blank stays as typed: it means none.
    static func typedText(_ text: String?, what: String) -> Result<String?, Refusal> {
        guard let text else { return .success(nil) }
        let field = Field(id: what, label: what, kind: .text, maxLength: FieldValidator.defaultMaximumLength)
        switch FieldValidator.normalise(text, for: field) {
        case .success(let clean): return .success(clean)
        case .failure(.missing): return .success(text)
        case .failure(.invalid(let message)): return .failure(Refusal(.invalid, "The \(what) \(message)"))
        }
    }
}

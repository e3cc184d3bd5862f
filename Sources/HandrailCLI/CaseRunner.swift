import Casework
import Engine
import Foundation
import Platform
import Runbook
import Store

/// Runs one `case` subcommand against a resolved environment.
struct CaseRunner {
    let env: HandrailEnvironment
    let json: Bool
    var out: CommandOutput { env.output }

    var desk: CaseDesk { env.desk }

    // MARK: open

    func open(_ args: inout ArgumentList) throws -> ExitCode {
        let subject = args.takeOption("--subject")
        let runbookID = args.takeOption("--runbook") ?? "mfa-recovery"
        try rejectLeftovers(args)
        guard let subject else { throw UsageError("say whose case: --subject EMAIL") }
        // A mistyped --runbook is a usage error, not an internal one.
        switch try? env.library.runbook(id: runbookID) {
        case .failure(.notFound(_, let available))?:
            throw UsageError("no runbook \"\(SafeText.visible(runbookID))\" in \(SafeText.visible(env.library.directory.path)); available: \(available.joined(separator: ", "))")
        case .failure(.duplicateID(_, let files))?:
            throw UsageError("runbook id \"\(SafeText.visible(runbookID))\" is declared by \(files.map { SafeText.visible($0.lastPathComponent) }.joined(separator: " and ")) in \(SafeText.visible(env.library.directory.path)); which one applies would be a guess, so neither does")
        default: break
        }
        let actor = try env.requireActor()
        let outcome = try desk.open(subject: subject, runbookID: runbookID, actor: actor)
        reportAnchoring(outcome)
        if let refusal = outcome.refusal { return report(refusal) }
        if json {
            out.print(JSONValue.object(["id": .string(outcome.caseID), "subject": .string(outcome.stored.first?.event.subject ?? subject),
                                        "runbook": .string(runbookID)]).canonicalText)
        } else {
            out.print(outcome.caseID)
        }
        return .ok
    }

    // MARK: show

    func show(_ args: inout ArgumentList) throws -> ExitCode {
        guard let id = args.next() else { throw UsageError("which case? handrail case show ID") }
        try rejectLeftovers(args)
        let actor = try env.requireActor()
        let snapshot = try desk.snapshot(id, actor: actor)
        let view = CaseView(snapshot: snapshot, platform: env.platform, identityVerified: env.identity != nil)
        out.print(json ? view.json().exportText : view.text())
        return .ok
    }

    // MARK: do

    func act(_ args: inout ArgumentList) throws -> ExitCode {
        let reason = args.takeOption("--reason")
        let confirm = args.takeOption("--confirm")
        let attestation = args.takeOption("--attest")
        guard let id = args.next() else { throw UsageError("which case? handrail case do ID ACTION …") }
        guard let action = args.next() else { throw UsageError("which action? run handrail case show \(id) for the actions available now") }
        let actor = try env.requireActor()
        var positional: [String] = []
        while let word = args.next() { positional.append(word) }
        if let unknown = positional.first(where: { $0.hasPrefix("--") }) { throw UsageError("unknown option \(SafeText.visible(unknown))") }

        let snapshot = try desk.snapshot(id, actor: actor)
        let command: CaseCommand
        func need(_ text: String?, _ what: String) throws -> String {
            guard let text else { throw UsageError("\(action) needs \(what)") }
            return text
        }
        switch action {
        case "refuse", "signal":
            guard let signal = positional.first else {
                throw UsageError("\(action) needs a signal: \(snapshot.runbook.refusalSignals.map(\.id).joined(separator: ", "))")
            }
            let text = try need(reason, "--reason TEXT")
            command = action == "refuse" ? .refuse(signal: signal, reason: text) : .raiseSignal(signal: signal, reason: text)
        case "pause": command = .pause(reason: try need(reason, "--reason TEXT"))
        case "resume": command = .resume
        case "restart-verification": command = .restartVerification(reason: try need(reason, "--reason TEXT"))
        case "request-approval": command = .requestApproval(reason: try need(reason, "--reason TEXT"))
        case "approve": command = .approve(reason: try need(reason, "--reason TEXT"))
        case "deny": command = .denyApproval(reason: try need(reason, "--reason TEXT"))
        case "uphold": command = .review(.uphold, reason: try need(reason, "--reason TEXT"))
        case "reopen": command = .review(.reopen, reason: try need(reason, "--reason TEXT"))
        case "incident": command = .declareIncident(reason: try need(reason, "--reason TEXT"))
        case "clear-prior": command = .clearPriorCases(reason: try need(reason, "--reason TEXT"))
        case "confirm-fact":
            switch ManualConsole.parse(positional) {
            case .failure(let error): throw UsageError("confirm-fact needs KEY=VALUE…: " + SafeText.visible(error.message))
            case .success(let facts): command = .confirmFacts(facts, reason: try need(reason, "--reason TEXT"))
            }
        case "take-over": command = .takeOver(reason: try need(reason, "--reason TEXT"))
        case "reissue": command = .reissueSecret(reason: try need(reason, "--reason TEXT: why the secret is issued again"))
        case "observe-enrolment": command = .observeEnrolment
        case "attest", "attest-failed":
            let text = reason ?? attestation ?? positional.first
            return try finishAttestation(id, actor: actor, text: try need(text, "what you did, e.g. \"Force MFA reset confirmed in the modal\""),
                                         failed: action == "attest-failed")
        default:
            guard let step = snapshot.runbook.step(action) else {
                let available = CaseEngine.availableCommands(state: snapshot.state, context: snapshot.context).map(\.cliName)
                throw UsageError("unknown action \"\(SafeText.visible(action))\"; available now: \(available.joined(separator: ", "))")
            }
            var values = CaseEngine.prefill(step: step, state: snapshot.state, context: snapshot.context)
            for word in positional {
                guard let eq = word.firstIndex(of: "=") else { throw UsageError("\"\(SafeText.visible(word))\" is not field=value") }
                let key = String(word[..<eq])
                guard step.field(key) != nil else {
                    throw UsageError("step \(step.id) has no field \"\(SafeText.visible(key))\"; its fields: \(step.fields.map(\.id).joined(separator: ", "))")
                }
                values[key] = String(word[word.index(after: eq)...])
            }
            if let reason, let field = step.reasonField { values[field] = reason }
            for field in step.fields where field.confirmsSubject { values[field.id] = confirm ?? "" }
            command = .submit(step: step.id, values: values)
        }
        if case .submit(let stepID, _) = command, let name = snapshot.runbook.step(stepID)?.action?.name {
            try requireTerminal(for: PlatformAction(rawValue: name))
        }
        if case .reissueSecret = command {
            // A reissue always hands out a secret: with nowhere to show it, it is not decided at all.
            try requireTerminal(for: CaseEngine.reissuableAction(state: snapshot.state, context: snapshot.context)?.action ?? .generateBackupCodes)
        }
        // The checklist's warnings (a ticket not from the manager on record…) are read before the
        // outcome: the same lines the wizard shows, from the same evaluation.
        if case .submit(let stepID, let values) = command, let step = snapshot.runbook.step(stepID) {
            for line in snapshot.evaluate(step: step, values: values).checklist where line.warning {
                out.error("  ! \(SafeText.visible(line.label)): \(SafeText.visible(line.message))")
            }
        }
        let outcome = try desk.perform(command, on: id, actor: actor, attestation: attestation, base: snapshot)
        return report(outcome, caseID: id, actor: actor)
    }

    /// An action whose platform generates a one-time secret (codes, a temporary password) runs only
    /// where the secret can be shown on the operator's terminal: it is never written to stdout or
    /// `--json`, and one carried out with nowhere to show it would leave a user locked out with a
    /// secret nobody saw. Asked before anything is decided, so a refusal records nothing.
    private func requireTerminal(for action: PlatformAction?) throws {
        guard action?.producesSecret == true, env.platform.actsItself, !out.hasTerminal else { return }
        throw UsageError("this step shows a one-time secret, which goes to your terminal only (never to stdout or --json), "
                         + "and this command has no controlling terminal; run it from a terminal, or use the wizard")
    }

    private func finishAttestation(_ id: String, actor: Actor, text: String, failed: Bool) throws -> ExitCode {
        if !failed, let pending = try desk.snapshot(id, actor: actor).state.pendingAction { try requireTerminal(for: pending.action) }
        let outcome = try desk.attest(id, actor: actor, attestation: failed ? nil : text, failure: failed ? text : nil)
        return report(outcome, caseID: id, actor: actor)
    }

    // MARK: take-over

    /// A senior takes over a case another operator holds: `case take-over ID --reason TEXT`.
    func takeOver(_ args: inout ArgumentList) throws -> ExitCode {
        let reason = args.takeOption("--reason")
        guard let id = args.next() else { throw UsageError("which case? handrail case take-over ID --reason TEXT") }
        if let extra = args.next() { throw UsageError("unexpected \(SafeText.visible(extra)); handrail case take-over ID --reason TEXT") }
        guard let reason else { throw UsageError("take-over needs --reason TEXT: why the case changes hands (recorded)") }
        let actor = try env.requireActor()
        return report(try desk.perform(.takeOver(reason: reason), on: id, actor: actor), caseID: id, actor: actor)
    }

    // MARK: facts, attest, note, release

    func facts(_ args: inout ArgumentList) throws -> ExitCode {
        guard let id = args.next() else { throw UsageError("which case? handrail case facts ID KEY=VALUE…") }
        var words: [String] = []
        while let word = args.next() { words.append(word) }
        let actor = try env.requireActor()
        switch ManualConsole.parse(words) {
        case .failure(let error): throw UsageError(SafeText.visible(error.message) + "\n" + HelpText.facts)
        case .success(let facts):
            return report(try desk.recordFacts(facts, on: id, actor: actor), caseID: id, actor: actor)
        }
    }

    // Not optimised: Swift 6.3.1's optimiser crashes on this function in a release build
    // (SimplifyCFG jump threading, "cannot get borrow introducers for unknown guaranteed value").
    // It only parses two arguments; the work it hands on is optimised as usual.
    @_optimize(none)
    func attest(_ args: inout ArgumentList) throws -> ExitCode {
        let failed = args.takeOption("--failed")
        guard let id = args.next() else { throw UsageError("which case? handrail case attest ID TEXT") }
        let text = failed ?? args.next()
        guard let text else { throw UsageError("say what you did in the console, e.g. \"Force MFA reset confirmed in the modal\"") }
        let actor = try env.requireActor()
        return try finishAttestation(id, actor: actor, text: text, failed: failed != nil)
    }

    /// `case migrate-runbook ID --reason TEXT`: a senior admin (not on a case of their own) moves
    /// a case whose runbook file changed onto the file now in the folder.
    func migrateRunbook(_ args: inout ArgumentList) throws -> ExitCode {
        let reason = args.takeOption("--reason")
        guard let id = args.next() else { throw UsageError("which case? handrail case migrate-runbook ID --reason TEXT") }
        guard let reason else { throw UsageError("migrate-runbook needs --reason TEXT: why the case may go on under the changed runbook") }
        try rejectLeftovers(args)
        let actor = try env.requireActor()
        return report(try desk.migrateRunbook(id, actor: actor, reason: reason), caseID: id, actor: actor)
    }

    func note(_ args: inout ArgumentList) throws -> ExitCode {
        guard let id = args.next() else { throw UsageError("which case? handrail case note ID TEXT") }
        var words: [String] = []
        while let word = args.next() { words.append(word) }
        guard !words.isEmpty else { throw UsageError("the note needs text") }
        let actor = try env.requireActor()
        return report(try desk.perform(.addNote(words.joined(separator: " ")), on: id, actor: actor), caseID: id, actor: actor)
    }

    func release(_ args: inout ArgumentList) throws -> ExitCode {
        guard let id = args.next() else { throw UsageError("which case? handrail case release ID") }
        let actor = try env.requireActor()
        try desk.release(id, actor: actor)
        if !json { out.print("Released \(SafeText.visible(id)).") }
        return .ok
    }

    // MARK: list

    /// Cases a page of `case list` shows unless `--limit` says otherwise, and the most it may say.
    static let defaultPage = 500
    static let largestPage = 10_000

    func list(_ args: inout ArgumentList) throws -> ExitCode {
        let status = args.takeOption("--status")
        let subject = args.takeOption("--subject")
        let limitText = args.takeOption("--limit")
        let after = args.takeOption("--after")
        try rejectLeftovers(args)
        let limit = try limitText.map { text in
            guard let n = Int(text), (1...Self.largestPage).contains(n) else {
                throw UsageError("--limit takes a number of cases from 1 to \(Self.largestPage); \"\(SafeText.visible(text))\" is not one")
            }
            return n
        } ?? Self.defaultPage
        if let status, status != "overdue", CaseStatus(rawValue: status) == nil {
            throw UsageError("unknown status \"\(SafeText.visible(status))\"; one of: \((CaseStatus.allCases.map(\.rawValue) + ["overdue"]).joined(separator: ", "))")
        }
        let now = env.now
        let wanted: CaseStatus? = status == "overdue" ? .awaitingEnrolment : status.flatMap(CaseStatus.init(rawValue:))
        // One more than the page: whether there is a next page, without counting the table.
        var records = try desk.reader.cases(status: wanted, subject: subject, limit: limit + 1, after: after)
        let more = records.count > limit
        if more { records.removeLast() }
        if more, let last = records.last {
            out.error("More cases follow: handrail case list" + (status.map { " --status \(SafeText.visible($0))" } ?? "")
                      + (subject.map { " --subject \(SafeText.visible($0))" } ?? "") + (limitText.map { " --limit \($0)" } ?? "")
                      + " --after \(SafeText.visible(last.projection.id))")
        }
        if status == "overdue" { records = records.filter { ($0.projection.overdueAt.map { $0 < now }) ?? false } }
        if json {
            out.print(JSONValue.array(records.map { CaseView.json(record: $0, now: now) }).exportText)
            return .ok
        }
        var rows = [["CASE", "STATUS", "STEP", "SUBJECT", "HELD BY", "UPDATED"]]
        for record in records {
            let p = record.projection
            let overdue = (p.overdueAt.map { $0 < now } ?? false) ? " OVERDUE" : ""
            let holder = record.leaseExpiresAt.map { $0 > now } == true ? record.holder ?? "" : ""
            rows.append([p.id, p.status.rawValue + overdue, p.step, p.subject, holder, EventTime.format(p.updatedAt)].map { SafeText.visible($0) })
        }
        out.print(records.isEmpty ? "No cases." : TextTable.render(rows))
        return .ok
    }

    // MARK: - Reporting

    private func rejectLeftovers(_ args: ArgumentList) throws {
        if let unknown = args.unknownOption { throw UsageError("unknown option \(SafeText.visible(unknown))") }
        if !args.isEmpty { throw UsageError("unexpected \(SafeText.visible(args.items.joined(separator: " ")))") }
    }

    private func report(_ refusal: Refusal) -> ExitCode {
        out.error("Refused: " + SafeText.visible(refusal.message))
        for check in refusal.failedChecks {
            out.error("  ✗ \(SafeText.visible(check.label)): \(SafeText.visible(check.message))")
        }
        switch refusal.kind {
        case .gate: return .refused
        case .notPermitted: return .notPermitted
        case .stale: return .conflict
        case .invalid: return .usage
        }
    }

    /// Problems anchoring the commit go to stderr whatever the format: the decision is recorded
    /// (and its platform action done), so the command still succeeds, but never silently.
    private func reportAnchoring(_ outcome: CaseOutcome) {
        for warning in outcome.anchorWarnings { out.error(SafeText.visible(warning)) }
    }

    private func report(_ outcome: CaseOutcome, caseID: String, actor: Actor) -> ExitCode {
        reportAnchoring(outcome)
        if json {
            var object: [String: JSONValue] = [
                "case": .string(caseID),
                "recorded": .array(outcome.stored.map { .object(["seq": .number(Double($0.seq)), "type": .string($0.event.type)]) }),
            ]
            if let refusal = outcome.refusal {
                // The message may quote what was typed (an unknown signal, say): shown safely, as on stderr.
                object["refused"] = .object(["message": .string(SafeText.visible(refusal.message)),
                                             "checks": .array(refusal.failedChecks.map(CaseView.json(check:)))])
            }
            if let instructions = outcome.instructions { object["instructions"] = .string(instructions) }
            if let linked = outcome.linkedCase { object["linkedCase"] = .string(linked) }
            // One-time secrets go to the terminal only; the JSON says how many were shown there.
            if !outcome.shownOnce.isEmpty { object["shownOnceOnTerminal"] = .number(Double(outcome.shownOnce.count)) }
            out.print(JSONValue.object(object).exportText)
        } else {
            for stored in outcome.stored {
                out.print("Recorded \(SafeText.visible(stored.event.type)) (#\(stored.seq))")
            }
            if let linked = outcome.linkedCase { out.print("Opened linked case \(SafeText.visible(linked)).") }
            if let instructions = outcome.instructions {
                out.print("Now: \(instructions)\nThen: handrail case attest \(caseID) \"what you did\"  (or --failed \"what went wrong\")")
            }
            if !outcome.shownOnce.isEmpty {
                out.print("Shown once on your terminal (\(outcome.shownOnce.count) secret(s)), never stored and never written here.")
            }
        }
        if !outcome.shownOnce.isEmpty {
            let display = (["Shown once, never stored — give these to the user over the verification channel now:"]
                           + outcome.shownOnce.map { "  \($0)" }).joined(separator: "\n")
            if !out.toTerminal(display) {
                out.error("handrail: the one-time secret(s) could not be shown: the terminal went away. They are not stored anywhere; "
                          + "the action is recorded, and the secret must be issued again.")
            }
        }
        if let refusal = outcome.refusal { return report(refusal) }
        // The commit's own view of the case when nothing ran after it; read again otherwise.
        if !json, let snapshot = outcome.committedSnapshot ?? (try? desk.snapshot(caseID, actor: actor)) {
            out.print(CaseView.nextLine(state: snapshot.state, runbook: snapshot.runbook))
        }
        return .ok
    }
}

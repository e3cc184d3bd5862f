import Foundation
import XCTest

/// The real `handrail` binary, SIGKILLed at any moment of a whole case and raced eight at a
/// time: every decision is one durable commit or none, a crash loses nothing committed, and a
/// command that lost a race is told why (exit 5), never a SQLite error.
final class ReliabilityTests: XCTestCase {
    static let subject = "ada@example.com"
    static let attestation = "Force MFA reset confirmed in the modal"
    static let verifyArguments = ["verify_identity", "method=callback", "callback_number=+15550100", "callback_confirmed=yes",
                                  "reference=SD-1234"]
    static let factsForTheWholeCase = ["phone=+15550100@2024-03-01", "suspended=no", "signins=none", "codes=0", "privileged=no",
                                       "federated=none", "notify=ada@example.com"]
    /// The notice's attestation names every notification address on file.
    static let noticeAttestation = "Sent the notice to ada@example.com from the console"

    // MARK: - 1. SIGKILL at any moment of a whole case

    /// Walks call-back → force reset → enrolment → follow-up one command at a time. Each command
    /// is first started and SIGKILLed (at once, after a few ms, after 0–40 ms, or the moment the
    /// write-ahead log is written, i.e. during the commit) until a kill lands after its commit,
    /// then its re-runs are killed too, then it is run to the end. After every kill the case is
    /// reopened by fresh processes and must hold everything committed before, plus all or none of
    /// what the killed command decides; its projection must agree with the log; the chain verifies.
    /// `HANDRAIL_RELIABILITY_SEED` replays a run's kill moments; `HANDRAIL_RELIABILITY_TRACE=1`
    /// prints every kill and what it left.
    func testSIGKILLAtAnyMomentOfAWholeCaseLosesNoDecisionAndCommitsNoHalfOfOne() throws {
        let started = Date()
        let seed = ProcessInfo.processInfo.environment["HANDRAIL_RELIABILITY_SEED"].flatMap { UInt64($0) }
            ?? UInt64.random(in: 0...UInt64.max)
        print("ReliabilityTests: SIGKILL walk with seed \(seed) (HANDRAIL_RELIABILITY_SEED=\(seed) replays the kill moments)")
        let h = try ReliabilityHarness()
        XCTAssertEqual(try h.run(["operator", "add", "bob", "--role", "agent"], as: "alice").status, 0)
        let walk = CrashWalk(harness: h, random: ReliabilityRandom(seed: seed))

        for command in CrashWalk.plan {
            guard !command.done(walk.known) else { continue }
            try walk.crashAndFinish(command)
        }

        // The whole case is there, once, in order, and closed.
        let decisions = walk.known.map(\.type).filter { $0 != "facts.recorded" }
        XCTAssertEqual(decisions, ["case.opened", "verification.recorded", "backup_codes.checked", "recovery.chosen",
                                   "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset", "mfa.factor_enrolled",
                                   "user.notified.requested", "user.notified", "case.closed"], "seed \(seed)")
        let requested = walk.known.first { $0.type == "mfa.factor_admin_reset.requested" }
        let reset = walk.known.first { $0.type == "mfa.factor_admin_reset" }
        XCTAssertNotNil(requested?.idempotencyKey)
        XCTAssertEqual(reset?.idempotencyKey, requested?.idempotencyKey, "the completion is of the one request")
        XCTAssertEqual(CrashWalk.position(after: walk.known).status, "closed")

        let seconds = Date().timeIntervalSince(started)
        print("ReliabilityTests: \(walk.kills) SIGKILLs (\(walk.killsAtCommit) the moment the log was written, "
              + "\(walk.killsThatCommitted) after their decision committed, \(walk.killsBetweenRequestAndCompletion) between "
              + "a reset's request and its completion), \(walk.rerunsAfterCommit) re-runs of committed commands, "
              + "\(String(format: "%.1f", seconds)) s, seed \(seed)")
        XCTAssertGreaterThanOrEqual(walk.kills, 60, "seed \(seed)")
        XCTAssertGreaterThanOrEqual(walk.killsAtCommit, 5, "kills that landed during a commit, seed \(seed)")
    }

    /// The one crash the walk above may or may not hit: a force reset with its attestation killed
    /// after the request committed and before the completion did. The request stays visible and
    /// pending (never lost, never half a reset); deciding the reset again is refused as stale,
    /// so there is never a second request; the attestation completes exactly that request, once.
    /// Each attempt is a fresh database, walked to the reset without kills.
    func testSIGKILLBetweenAResetsRequestAndItsCompletionLeavesItPendingUntilAttestedOnce() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = ReliabilityRandom(seed: seed)
        let reset = try XCTUnwrap(CrashWalk.plan.first { $0.name == "force reset" })
        for attempt in 1...12 {
            let h = try ReliabilityHarness()
            XCTAssertEqual(try h.run(["operator", "add", "bob", "--role", "agent"], as: "alice").status, 0)
            let walk = CrashWalk(harness: h, random: random)
            for command in CrashWalk.plan.prefix(while: { $0.name != "force reset" }) {
                let result = try h.run(command.arguments(walk.caseID ?? ""), as: "alice")
                XCTAssertEqual(result.status, 0, "\(result)")
                try walk.reopen(command.name)
            }
            let id = try XCTUnwrap(walk.caseID)
            let quiet = UInt32.random(in: 200...3_000, using: &random)
            let (killed, _) = try walk.run(reset.arguments(id), killedAt: .whenLogSettles(quiet))
            let added = try walk.reopen("force reset killed when the log settled for \(quiet) µs")
            guard killed.wasSIGKILLed, added.map(\.type) == ["mfa.factor_admin_reset.requested"] else {
                XCTAssertTrue(added.isEmpty || reset.additions.contains(added.map(\.type)), "attempt \(attempt): \(added.map(\.type))")
                continue // landed before the request or after the completion: try again on a fresh database
            }
            let show = try CaseSummary.parseShow(try h.run(["case", "show", id, "--json"], as: "alice").out)
            XCTAssertEqual(show.status, "action_pending")

            // Bob cannot finish alice's reset while her (stale) lease stands.
            let bob = try h.run(["case", "attest", id, Self.attestation], as: "bob")
            XCTAssertEqual(bob.status, 5, "\(bob)")
            XCTAssertTrue(bob.err.contains("is held by alice"), "\(bob)")
            // Alice runs the same command again: the reset is not decided twice.
            let again = try h.run(reset.arguments(id), as: "alice")
            XCTAssertEqual(again.status, 5, "\(again)")
            XCTAssertTrue(again.err.contains("pending"), "\(again)")
            XCTAssertEqual(try walk.reopen("force reset run again").map(\.type), [])
            // She attests what she did in the console: the one request is completed, once.
            let attested = try h.run(["case", "attest", id, Self.attestation], as: "alice")
            XCTAssertEqual(attested.status, 0, "\(attested)")
            let completion = try walk.reopen("attested")
            XCTAssertEqual(completion.map(\.type), ["mfa.factor_admin_reset"])
            XCTAssertEqual(completion.first?.idempotencyKey, added.first?.idempotencyKey)
            XCTAssertEqual(completion.first?.actor, "alice")
            let twice = try h.run(["case", "attest", id, Self.attestation], as: "alice")
            XCTAssertEqual(twice.status, 5, "a second attestation is stale: \(twice)")
            XCTAssertEqual(try walk.reopen("attested twice").map(\.type), [])
            return
        }
        XCTFail("12 kills never fell between the request's commit and the completion's (seed \(seed))")
    }

    // MARK: - 2. Eight processes at once

    /// Eight operators (eight logins on the roster) race for every step of one case, the force
    /// reset and its attestation included; the case is released between steps so each race is for
    /// the lease too. One wins each step; the others are told the case is held.
    func testEightOperatorsRacingForEachStepOfOneCaseExactlyOneWinsEach() throws {
        let h = try ReliabilityHarness()
        let racers = (1...8).map { "agent\($0)" }
        try enrol(racers, in: h)
        let id = try openCase(in: h, as: "lead")
        XCTAssertEqual(try h.run(["case", "facts", id] + Self.factsForTheWholeCase, as: "lead").status, 0)
        XCTAssertEqual(try h.run(["case", "release", id], as: "lead").status, 0)

        func race(_ name: String, _ arguments: [String], records: [String]) throws {
            let results = try h.race(racers.map { (arguments: arguments, login: $0) })
            let winner = try assertOneWinner(of: results, name, caseID: id, records: records, in: h)
            XCTAssertEqual(try h.run(["case", "release", id], as: winner).status, 0)
        }
        try race("verify", ["case", "do", id] + Self.verifyArguments, records: ["verification.recorded"])
        try race("check backup codes", ["case", "do", id, "check_backup_codes"], records: ["backup_codes.checked"])
        try race("choose recovery", ["case", "do", id, "choose_recovery", "situation=device"], records: ["recovery.chosen"])
        try race("force reset", ["case", "do", id, "force_reset", "--confirm", Self.subject],
                 records: ["mfa.factor_admin_reset.requested"])
        try race("attest the reset", ["case", "attest", id, Self.attestation], records: ["mfa.factor_admin_reset"])
        XCTAssertEqual(try h.run(["case", "facts", id, "factor=totp:Pixel 9@\(Self.minuteFromNow())", "enrolledfrom=seen:198.51.100.7"], as: "lead").status, 0)
        XCTAssertEqual(try h.run(["case", "release", id], as: "lead").status, 0)
        try race("observe enrolment", ["case", "do", id, "observe-enrolment"], records: ["mfa.factor_enrolled"])
        try race("follow up", ["case", "do", id, "follow_up", "--attest", Self.noticeAttestation], records: ["user.notified.requested", "user.notified", "case.closed"])
        try assertWholeCaseRecordedOnce(id, in: h, as: "lead")
    }

    /// One operator with eight terminals: the lease does not separate them, so the eight queue on
    /// the write lock and each decides on what the one before committed. One applies each step,
    /// the force reset with its attestation in the same command; the others are told the case
    /// changed under them.
    func testEightTerminalsOfOneOperatorRacingForEachStepExactlyOneAppliesEach() throws {
        let h = try ReliabilityHarness()
        let id = try openCase(in: h, as: "solo")
        XCTAssertEqual(try h.run(["case", "facts", id] + Self.factsForTheWholeCase, as: "solo").status, 0)

        func race(_ name: String, _ arguments: [String], records: [String]) throws {
            let results = try h.race(Array(repeating: (arguments: arguments, login: "solo"), count: 8))
            try assertOneWinner(of: results, name, caseID: id, records: records, in: h)
        }
        try race("verify", ["case", "do", id] + Self.verifyArguments, records: ["verification.recorded"])
        try race("check backup codes", ["case", "do", id, "check_backup_codes"], records: ["backup_codes.checked"])
        try race("choose recovery", ["case", "do", id, "choose_recovery", "situation=device"], records: ["recovery.chosen"])
        try race("force reset", ["case", "do", id, "force_reset", "--confirm", Self.subject, "--attest", Self.attestation],
                 records: ["mfa.factor_admin_reset.requested", "mfa.factor_admin_reset"])
        XCTAssertEqual(try h.run(["case", "facts", id, "factor=totp:Pixel 9@\(Self.minuteFromNow())", "enrolledfrom=seen:198.51.100.7"], as: "solo").status, 0)
        try race("observe enrolment", ["case", "do", id, "observe-enrolment"], records: ["mfa.factor_enrolled"])
        try race("follow up", ["case", "do", id, "follow_up", "--attest", Self.noticeAttestation], records: ["user.notified.requested", "user.notified", "case.closed"])
        try assertWholeCaseRecordedOnce(id, in: h, as: "solo")
    }

    /// Eight operators each add a note to their own case at the same moment, three times over:
    /// every note lands, and the one global chain stays gapless and verifiable.
    func testEightNotesOnEightCasesAtOnceAllLandInOneGaplessChain() throws {
        let h = try ReliabilityHarness()
        let logins = (1...8).map { "agent\($0)" }
        try enrol(logins, in: h)
        var cases: [String: String] = [:]
        // One person each: a second open case for the same person is refused.
        for login in logins { cases[login] = try openCase(in: h, as: login, subject: "\(login)@example.com") }

        let rounds = 3
        for round in 1...rounds {
            let results = try h.race(logins.map { login in
                (arguments: ["case", "note", cases[login]!, "Round \(round): \(login) called the user back as agreed"], login: login)
            })
            ReliabilityHarness.assertAllSucceeded(results)
        }
        let events = try h.gaplessLog()
        XCTAssertEqual(events.count, logins.count * (1 + rounds), "every note landed")
        for login in logins {
            let own = events.filter { $0.caseID == cases[login] }
            XCTAssertEqual(own.map(\.type), ["case.opened"] + Array(repeating: "note.added", count: rounds), login)
            XCTAssertTrue(own.allSatisfy { $0.actor == login }, login)
        }
        try assertVerifies(h, as: "lead")
    }

    /// Eight first runs at once on a demo database that does not exist yet (the one database a
    /// first run creates): every one opens it, exactly one becomes its senior admin, and none
    /// takes the half-migrated file for another application's database. Repeated on fresh files,
    /// since the window is a few milliseconds wide.
    func testEightFirstRunsAtOnceOnABrandNewDatabaseAllOpenItAndOneBecomesSenior() throws {
        for round in 1...20 {
            let h = try ReliabilityHarness(demo: true)
            let logins = (1...8).map { "first\($0)" }
            // A command that writes (reads open read-only and never create): the first login becomes
            // senior and adds the agent; the seven others are not on the roster (exit 4).
            let results = try h.race(logins.map { (arguments: ["operator", "add", "agent1", "--role", "agent"], login: $0) })
            XCTAssertEqual(results.filter { $0.status == 0 }.count, 1, "round \(round): \(results)")
            for result in results {
                XCTAssertTrue([0, 4].contains(result.status), "round \(round): \(result)")
                XCTAssertFalse(result.err.contains("not a Handrail database"), "round \(round): \(result)")
                XCTAssertFalse(result.mentionsBusyDatabase, "round \(round): \(result)")
            }
            XCTAssertEqual(results.filter { $0.err.contains("is now its senior admin") }.count, 1, "round \(round): one first operator")
            let senior = results.first { $0.status == 0 }?.login ?? logins[0]
            let roster = try h.run(["operator", "list"], as: senior)
            let rows = roster.out.split(separator: "\n").dropFirst().map { $0.split(separator: " ").map(String.init) }
            XCTAssertEqual(rows.count, 2, "round \(round): \(roster)")
            XCTAssertEqual(rows.filter { $0.dropFirst().first == "senior" }.count, 1, "round \(round): \(roster)")
        }
    }

    // MARK: - Helpers

    /// `lead` becomes the senior admin (the first operator); `logins` are added as agents.
    private func enrol(_ logins: [String], in h: ReliabilityHarness) throws {
        try h.enrol(logins)
    }

    private func openCase(in h: ReliabilityHarness, as login: String, subject: String = ReliabilityTests.subject) throws -> String {
        try h.openCase(subject, as: login)
    }

    static func minuteFromNow() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.string(from: Date().addingTimeInterval(60))
    }

    /// Exactly one racer exited 0; every other one exited 5 (held, or changed under it) or 3
    /// (a gate), with a message saying so; none exited 1 or 2 or mentioned SQLite's lock. The
    /// step's events are in the log exactly once. Returns the winner's login.
    @discardableResult
    private func assertOneWinner(of results: [ReliabilityResult], _ name: String, caseID: String, records: [String],
                                 in h: ReliabilityHarness, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let winners = results.filter { !$0.killedBySignal && $0.status == 0 }
        XCTAssertEqual(winners.count, 1, "\(name): exactly one racer applies the step\n\(results.map(\.description).joined(separator: "\n"))",
                       file: file, line: line)
        for result in results {
            XCTAssertFalse(result.killedBySignal, "\(name): \(result)", file: file, line: line)
            XCTAssertFalse(result.mentionsBusyDatabase, "\(name): \(result)", file: file, line: line)
            switch result.status {
            case 0: break
            case 5:
                let told = ["is held by", "changed under you", "moved it on", "already"].contains { result.err.contains($0) }
                XCTAssertTrue(told, "\(name): exit 5 says why: \(result)", file: file, line: line)
            case 3:
                XCTAssertTrue(result.err.contains("Refused:"), "\(name): exit 3 says which gate: \(result)", file: file, line: line)
            default:
                XCTFail("\(name): a racer exits 0, 3 or 5, never \(result.status): \(result)", file: file, line: line)
            }
        }
        let audit = try h.run(["audit", "--case", caseID, "--format", "json"], as: winners.first?.login ?? results[0].login)
        XCTAssertEqual(audit.status, 0, "\(audit)", file: file, line: line)
        let events = try LoggedEvent.parse(audit.out)
        XCTAssertEqual(events.map(\.seq), LoggedEvent.consecutive(events), "\(name): gapless",
                       file: file, line: line)
        for type in records {
            XCTAssertEqual(events.filter { $0.type == type }.count, 1, "\(name): one \(type), not one per racer", file: file, line: line)
        }
        try assertVerifies(h, as: results[0].login, file: file, line: line)
        return winners.first?.login ?? results[0].login
    }

    private func assertWholeCaseRecordedOnce(_ id: String, in h: ReliabilityHarness, as login: String,
                                             file: StaticString = #filePath, line: UInt = #line) throws {
        let audit = try h.run(["audit", "--case", id, "--format", "json"], as: login)
        let types = try LoggedEvent.parse(audit.out).map(\.type).filter { $0 != "facts.recorded" }
        XCTAssertEqual(types, ["case.opened", "verification.recorded", "backup_codes.checked", "recovery.chosen",
                               "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset", "mfa.factor_enrolled",
                               "user.notified.requested", "user.notified", "case.closed"], file: file, line: line)
        let show = try CaseSummary.parseShow(try h.run(["case", "show", id, "--json"], as: login).out)
        XCTAssertEqual(show.status, "closed", file: file, line: line)
        let listed = try CaseSummary.parseList(try h.run(["case", "list", "--json"], as: login).out).first { $0.id == id }
        XCTAssertEqual(listed?.status, "closed", "the projection agrees", file: file, line: line)
        XCTAssertEqual(listed?.step, show.step, file: file, line: line)
    }

    fileprivate static func verify(_ h: ReliabilityHarness, as login: String) throws -> ReliabilityResult {
        try h.run(["audit", "verify"], as: login)
    }

    private func assertVerifies(_ h: ReliabilityHarness, as login: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let verify = try Self.verify(h, as: login)
        XCTAssertEqual(verify.status, 0, "audit verify: \(verify)", file: file, line: line)
        XCTAssertTrue(verify.out.contains("chain intact"), "\(verify)", file: file, line: line)
    }
}

// MARK: - The SIGKILL walk

/// When to SIGKILL a command once it has started.
enum KillMoment: CustomStringConvertible {
    case immediately
    /// After this many microseconds.
    case after(UInt32)
    /// As soon as the write-ahead log is written (a commit is under way), then after this many microseconds.
    case atCommit(UInt32)
    /// Once the log's frames have been written and then left unchanged for this many
    /// microseconds: the commit's frames are all out and it is syncing them, or has just finished
    /// (for a force reset with its attestation, often between the request's commit and the completion's).
    case whenLogSettles(UInt32)

    var description: String {
        switch self {
        case .immediately: return "immediately"
        case .after(let us): return "after \(us) µs"
        case .atCommit(let us): return "at commit + \(us) µs"
        case .whenLogSettles(let us): return "when the log has settled for \(us) µs"
        }
    }
}

/// One command of the walk: how to run it, whether the log shows it done, and what one run of it
/// may add to the log (all of one of these, or nothing).
struct WalkCommand: Sendable {
    enum Kind: Sendable { case open, facts, decision }
    var name: String
    var kind: Kind
    var arguments: @Sendable (_ caseID: String) -> [String]
    var done: @Sendable ([LoggedEvent]) -> Bool
    var additions: [[String]]
}

/// The state of the walk: the log as last read, the case, and what the kills did.
final class CrashWalk {
    let h: ReliabilityHarness
    var random: ReliabilityRandom
    var caseID: String?
    /// Every event known to be committed; each reopen must find these first.
    var known: [LoggedEvent] = []
    var kills = 0
    var killsAtCommit = 0
    var killsThatCommitted = 0
    var killsBetweenRequestAndCompletion = 0
    var rerunsAfterCommit = 0
    /// Kills spent on each command, its re-runs included.
    static let killsPerCommand = 7

    init(harness: ReliabilityHarness, random: ReliabilityRandom) {
        h = harness
        self.random = random
    }

    static func has(_ type: String) -> @Sendable ([LoggedEvent]) -> Bool { { $0.contains { $0.type == type } } }
    static func hasFacts(_ key: String) -> @Sendable ([LoggedEvent]) -> Bool { { $0.contains { $0.factKeys.contains(key) } } }
    static func facts(_ words: [String]) -> @Sendable (String) -> [String] { { ["case", "facts", $0] + words } }

    static let plan: [WalkCommand] = [
        WalkCommand(name: "open", kind: .open, arguments: { _ in ["case", "open", "--subject", ReliabilityTests.subject] },
                    done: has("case.opened"), additions: [["case.opened"]]),
        WalkCommand(name: "facts for the call-back", kind: .facts,
                    arguments: facts(["phone=+15550100@2024-03-01", "suspended=no", "signins=none"]),
                    done: hasFacts("phone"), additions: [["facts.recorded"]]),
        WalkCommand(name: "verify by call-back", kind: .decision, arguments: { ["case", "do", $0] + ReliabilityTests.verifyArguments },
                    done: has("verification.recorded"), additions: [["verification.recorded"]]),
        WalkCommand(name: "facts: backup codes", kind: .facts, arguments: facts(["codes=0"]),
                    done: hasFacts("codes"), additions: [["facts.recorded"]]),
        WalkCommand(name: "check backup codes", kind: .decision, arguments: { ["case", "do", $0, "check_backup_codes"] },
                    done: has("backup_codes.checked"), additions: [["backup_codes.checked"]]),
        WalkCommand(name: "choose recovery", kind: .decision, arguments: { ["case", "do", $0, "choose_recovery", "situation=device"] },
                    done: has("recovery.chosen"), additions: [["recovery.chosen"]]),
        WalkCommand(name: "facts: privileged", kind: .facts, arguments: facts(["privileged=no", "federated=none"]),
                    done: hasFacts("privileged"), additions: [["facts.recorded"]]),
        // Two commits in one command: the request, then (with the attestation) its completion.
        WalkCommand(name: "force reset", kind: .decision,
                    arguments: { ["case", "do", $0, "force_reset", "--confirm", ReliabilityTests.subject,
                                  "--attest", ReliabilityTests.attestation] },
                    done: has("mfa.factor_admin_reset.requested"),
                    additions: [["mfa.factor_admin_reset.requested"], ["mfa.factor_admin_reset.requested", "mfa.factor_admin_reset"]]),
        // Only needed when a kill fell between the request and its completion.
        WalkCommand(name: "attest the reset", kind: .decision, arguments: { ["case", "attest", $0, ReliabilityTests.attestation] },
                    done: has("mfa.factor_admin_reset"), additions: [["mfa.factor_admin_reset"]]),
        WalkCommand(name: "facts: the new factor", kind: .facts,
                    arguments: { ["case", "facts", $0, "factor=totp:Pixel 9@\(ReliabilityTests.minuteFromNow())", "enrolledfrom=seen:198.51.100.7"] },
                    done: hasFacts("factor"), additions: [["facts.recorded"]]),
        WalkCommand(name: "observe enrolment", kind: .decision, arguments: { ["case", "do", $0, "observe-enrolment"] },
                    done: has("mfa.factor_enrolled"), additions: [["mfa.factor_enrolled"]]),
        WalkCommand(name: "facts: notification addresses", kind: .facts, arguments: facts(["notify=\(ReliabilityTests.subject)"]),
                    done: hasFacts("notify"), additions: [["facts.recorded"]]),
        // Two commits in one command, as for the reset: the notice's request, then its attested sending.
        WalkCommand(name: "follow up", kind: .decision,
                    arguments: { ["case", "do", $0, "follow_up", "--attest", ReliabilityTests.noticeAttestation] },
                    done: has("user.notified.requested"),
                    additions: [["user.notified.requested"], ["user.notified.requested", "user.notified", "case.closed"]]),
        WalkCommand(name: "attest the notice", kind: .decision, arguments: { ["case", "attest", $0, ReliabilityTests.noticeAttestation] },
                    done: has("case.closed"), additions: [["user.notified", "case.closed"]]),
    ]

    /// The status and step the log implies; `case show` and the `cases` projection must agree.
    static func position(after events: [LoggedEvent]) -> (status: String, step: String) {
        var position = (status: "open", step: "verify_identity")
        for event in events {
            switch event.type {
            case "verification.recorded": position = ("open", "check_backup_codes")
            case "backup_codes.checked": position = ("open", "choose_recovery")
            case "recovery.chosen": position = ("open", "force_reset")
            case "mfa.factor_admin_reset.requested": position = ("action_pending", "force_reset")
            case "mfa.factor_admin_reset": position = ("awaiting_enrolment", "await_enrolment")
            case "mfa.factor_enrolled": position = ("open", "follow_up")
            case "user.notified.requested": position = ("action_pending", "follow_up")
            case "case.closed": position = ("closed", "closed_recovered")
            default: break
            }
        }
        return position
    }

    func moments() -> [KillMoment] {
        func upTo(_ limit: UInt32) -> UInt32 { UInt32.random(in: 0...limit, using: &random) }
        return [.immediately, .after(200 + upTo(1_800)), .after(2_000 + upTo(6_000)), .atCommit(0), .whenLogSettles(60 + upTo(300)),
                .after(upTo(40_000)), .after(upTo(40_000)), .atCommit(upTo(1_500)), .immediately,
                .whenLogSettles(500 + upTo(2_500)), .after(upTo(40_000)), .atCommit(upTo(400)), .after(upTo(40_000))]
    }

    // MARK: Running one command through its kills

    func crashAndFinish(_ command: WalkCommand, file: StaticString = #filePath, line: UInt = #line) throws {
        var committed = false
        var killsHere = 0
        var triedOtherLogin = false
        for moment in moments() {
            if committed && (command.kind == .open || killsHere >= Self.killsPerCommand) { break }
            let arguments = command.arguments(caseID ?? "")
            let context = "\(command.name), \(committed ? "re-run after its commit" : "first run"), killed \(moment)"
            let (result, duringCommit) = try run(arguments, killedAt: moment)
            let added = try reopen(context)
            if ProcessInfo.processInfo.environment["HANDRAIL_RELIABILITY_TRACE"] != nil {
                print("  \(context): \(result.wasSIGKILLed ? "killed" : "exit \(result.status)")\(duringCommit ? " during commit" : ""), added \(added.map(\.type))")
            }
            if result.wasSIGKILLed {
                kills += 1
                killsHere += 1
                if duringCommit { killsAtCommit += 1 }
                if !added.isEmpty { killsThatCommitted += 1 }
                if added.map(\.type) == ["mfa.factor_admin_reset.requested"] { killsBetweenRequestAndCompletion += 1 }
                if committed {
                    // Killing a re-run of something already decided records nothing new (facts may be typed again).
                    let allowed: [[String]] = command.kind == .facts ? [[], ["facts.recorded"]] : [[]]
                    XCTAssertTrue(allowed.contains(added.map(\.type)), "\(context): added \(added.map(\.type))", file: file, line: line)
                } else {
                    XCTAssertTrue(added.isEmpty || command.additions.contains(added.map(\.type)),
                                  "\(context): a killed command commits all of one decision or nothing; added \(added.map(\.type))",
                                  file: file, line: line)
                }
            } else {
                // The command ended before the kill: judged like a run to the end.
                assertFinished(command, result, added: added, afterCommit: committed, context: context, file: file, line: line)
            }
            if !added.isEmpty && !committed { committed = true }
            if !triedOtherLogin, let id = caseID, command.kind == .open || !command.done(known) {
                triedOtherLogin = true
                try assertHeldAgainstOthers(command, caseID: id, context: context, file: file, line: line)
            }
        }
        guard !(committed && command.kind == .open) else { return } // a second open would be a second case
        // The operator runs it once more, to the end: they cannot know whether the kill came after the commit.
        let result = try h.run(command.arguments(caseID ?? ""), as: "alice")
        let context = "\(command.name), run to the end\(committed ? " after its commit" : "")"
        let added = try reopen(context)
        assertFinished(command, result, added: added, afterCommit: committed, context: context, file: file, line: line)
        if committed { rerunsAfterCommit += 1 }
        XCTAssertTrue(command.done(known), "\(context): done", file: file, line: line)
    }

    /// A command that ran to its end: the first time it applies its decision in full (exit 0). Run
    /// again after its decision committed, a decision is refused as stale (exit 5: the case moved
    /// on, or the action it requested is already recorded) and records nothing; typed facts are
    /// recorded again, which changes nothing.
    func assertFinished(_ command: WalkCommand, _ result: ReliabilityResult, added: [LoggedEvent], afterCommit: Bool, context: String,
                        file: StaticString, line: UInt) {
        XCTAssertFalse(result.mentionsBusyDatabase, "\(context): \(result)", file: file, line: line)
        guard afterCommit else {
            XCTAssertEqual(result.status, 0, "\(context): \(result)", file: file, line: line)
            XCTAssertEqual(added.map(\.type), command.additions.last, "\(context): the whole decision", file: file, line: line)
            return
        }
        switch command.kind {
        case .open:
            XCTFail("\(context): a committed open is not run again", file: file, line: line)
        case .facts:
            XCTAssertEqual(result.status, 0, "\(context): \(result)", file: file, line: line)
            XCTAssertEqual(added.map(\.type), ["facts.recorded"], context, file: file, line: line)
            let typed = Set(command.arguments("ID").dropFirst(3).map { String($0.prefix { $0 != "=" }) })
            XCTAssertEqual(Set(added.flatMap(\.factKeys)), typed, "\(context): the same facts again", file: file, line: line)
        case .decision:
            XCTAssertEqual(result.status, 5, "\(context): a step already decided is stale: \(result)", file: file, line: line)
            XCTAssertTrue(result.err.hasPrefix("Refused: "), "\(context): says why: \(result)", file: file, line: line)
            XCTAssertEqual(added.map(\.type), [], "\(context): records nothing the second time", file: file, line: line)
        }
    }

    /// After a kill the case is still held by the killed operator's lease: the same login carries
    /// on (the walk does), another operator is turned away with exit 5 until the lease expires.
    func assertHeldAgainstOthers(_ command: WalkCommand, caseID: String, context: String, file: StaticString, line: UInt) throws {
        let arguments = command.kind == .open ? ["case", "note", caseID, "Bob looked at this case too"] : command.arguments(caseID)
        let result = try h.run(arguments, as: "bob")
        let added = try reopen("\(context), then bob tries")
        XCTAssertEqual(result.status, 5, "\(context): bob while alice holds the case: \(result)", file: file, line: line)
        XCTAssertTrue(result.err.contains("is held by alice"), "\(context): \(result)", file: file, line: line)
        XCTAssertEqual(added.map(\.type), [], "\(context): bob recorded nothing", file: file, line: line)
    }

    /// Starts `arguments` as alice and SIGKILLs it at `moment`. Returns whether the kill came
    /// after the write-ahead log was written while the process was still running.
    func run(_ arguments: [String], killedAt moment: KillMoment) throws -> (ReliabilityResult, duringCommit: Bool) {
        let logBefore = h.walSignature()
        let child = try h.start(arguments, as: "alice")
        var duringCommit = false
        switch moment {
        case .immediately:
            break
        case .after(let microseconds):
            usleep(microseconds)
        case .atCommit(let microseconds):
            var written = false
            try ReliabilityHarness.waitUntil("the write-ahead log to be written", timeout: 20, interval: 20) {
                if let now = h.walSignature(), now.size > 0, now != logBefore { written = true }
                return written || !child.isRunning
            }
            if microseconds > 0 { usleep(microseconds) }
            duringCommit = written
        case .whenLogSettles(let quiet):
            // Past the 32-byte header (written and synced on its own): the commit's frames.
            var written = false
            try ReliabilityHarness.waitUntil("the write-ahead log's frames to be written", timeout: 20, interval: 20) {
                if let now = h.walSignature(), now.size > 32, now != logBefore { written = true }
                return written || !child.isRunning
            }
            var last = h.walSignature()
            var since = Date()
            try ReliabilityHarness.waitUntil("the write-ahead log to settle", timeout: 20, interval: 20) {
                let now = h.walSignature()
                if now != last { (last, since) = (now, Date()) }
                return Date().timeIntervalSince(since) * 1_000_000 >= Double(quiet) || !child.isRunning
            }
            duringCommit = written
        }
        if child.isRunning { child.sigkill() }
        let result = try child.finish()
        return (result, duringCommit && result.wasSIGKILLed)
    }

    // MARK: Reopening

    /// Reopens the database with fresh processes, as the operator would after the crash, and
    /// checks it: the chain verifies; at most one case; everything known before is still there,
    /// in order, with a gapless sequence; the log is well formed (no half of any decision); `case
    /// show` and the `cases` projection agree with the step the log implies; the lease is alice's.
    /// Returns what was added since the last reopen.
    @discardableResult
    func reopen(_ context: String, file: StaticString = #filePath, line: UInt = #line) throws -> [LoggedEvent] {
        let verify = try h.run(["audit", "verify"], as: "alice")
        XCTAssertEqual(verify.status, 0, "\(context): audit verify \(verify)", file: file, line: line)

        let list = try h.run(["case", "list", "--json"], as: "alice")
        XCTAssertEqual(list.status, 0, "\(context): \(list)", file: file, line: line)
        let cases = try CaseSummary.parseList(list.out)
        XCTAssertLessThanOrEqual(cases.count, 1, "\(context): one case, never a second from a killed open", file: file, line: line)
        if caseID == nil { caseID = cases.first?.id }
        guard let id = caseID else {
            let audit = try h.run(["audit", "--format", "json"], as: "alice")
            XCTAssertEqual(try LoggedEvent.parse(audit.out), [], "\(context): no case, no events", file: file, line: line)
            return []
        }
        XCTAssertEqual(cases.map(\.id), [id], "\(context): the case is in the queue", file: file, line: line)

        let audit = try h.run(["audit", "--case", id, "--format", "json"], as: "alice")
        XCTAssertEqual(audit.status, 0, "\(context): \(audit)", file: file, line: line)
        let events = try LoggedEvent.parse(audit.out)
        XCTAssertEqual(events.map(\.seq), LoggedEvent.consecutive(events), "\(context): gapless", file: file, line: line)
        XCTAssertEqual(Array(events.prefix(known.count)), known, "\(context): everything committed before is still there",
                       file: file, line: line)
        Self.assertWellFormed(events, context: context, file: file, line: line)

        let show = try h.run(["case", "show", id, "--json"], as: "alice")
        XCTAssertEqual(show.status, 0, "\(context): \(show)", file: file, line: line)
        let shown = try CaseSummary.parseShow(show.out)
        let implied = Self.position(after: events)
        XCTAssertEqual(shown.status, implied.status, "\(context): case show agrees with the log", file: file, line: line)
        XCTAssertEqual(shown.step, implied.step, "\(context): case show agrees with the log", file: file, line: line)
        XCTAssertEqual(shown.events, events.count, context, file: file, line: line)
        XCTAssertEqual(cases.first?.status, implied.status, "\(context): the projection agrees with the log", file: file, line: line)
        XCTAssertEqual(cases.first?.step, implied.step, "\(context): the projection agrees with the log", file: file, line: line)
        XCTAssertEqual(shown.holder ?? "alice", "alice", "\(context): held by alice or by nobody", file: file, line: line)

        let added = Array(events.dropFirst(known.count))
        known = events
        return added
    }

    static let decisionTypes: Set<String> = ["case.opened", "verification.recorded", "backup_codes.checked", "recovery.chosen",
                                             "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset", "mfa.factor_enrolled",
                                             "user.notified.requested", "user.notified", "case.closed"]

    /// No half of any decision: each decision's event at most once; `user.notified` and
    /// `case.closed` (one transaction) always side by side; a reset only after its request.
    static func assertWellFormed(_ events: [LoggedEvent], context: String, file: StaticString, line: UInt) {
        XCTAssertEqual(events.first?.type, "case.opened", context, file: file, line: line)
        for type in decisionTypes {
            XCTAssertLessThanOrEqual(events.filter { $0.type == type }.count, 1, "\(context): one \(type)", file: file, line: line)
        }
        for (index, event) in events.enumerated() {
            XCTAssertTrue(decisionTypes.contains(event.type) || event.type == "facts.recorded",
                          "\(context): unexpected \(event.type)", file: file, line: line)
            switch event.type {
            case "user.notified":
                XCTAssertEqual(events.dropFirst(index + 1).first?.type, "case.closed", "\(context): user.notified without case.closed",
                               file: file, line: line)
            case "case.closed":
                XCTAssertEqual(index > 0 ? events[index - 1].type : nil, "user.notified", "\(context): case.closed without user.notified",
                               file: file, line: line)
            case "mfa.factor_admin_reset":
                let request = events[..<index].last { $0.type == "mfa.factor_admin_reset.requested" }
                XCTAssertNotNil(request, "\(context): a reset without its request", file: file, line: line)
                XCTAssertEqual(request?.idempotencyKey, event.idempotencyKey, context, file: file, line: line)
            default:
                break
            }
        }
    }
}

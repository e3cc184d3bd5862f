import Casework
import Engine
import Foundation
import Hashing
import LocalTenant
import Platform
import Runbook
import SQLiteCore
import Store
import XCTest

/// Every admin action LocalDirectory carries out (resetFactors, generateBackupCodes,
/// setTemporaryPassword, suspendUser), performed through CaseService: `<event>.requested` is
/// committed before the platform is called and the completion after it. For each action, a
/// crash before the call and a crash after it are simulated; a new CaseService (a fresh process
/// with its own connections) resumes the case, and the action turns out to have happened exactly
/// once: one completion in the case log, one row for the key in the directory's `actions`
/// table, one directory event, one change. A key that completed is never carried out again.
final class ActionsAndCrashRecoveryTests: XCTestCase {
    private var h: LocalTenantHarness!

    override func setUpWithError() throws {
        h = try LocalTenantHarness()
    }

    override func tearDown() {
        h = nil
    }

    /// One action of the runbook and how a case gets to the step that asks for it.
    private struct ActionStep {
        var action: PlatformAction
        var event: String
        var subject: String
        var step: String
        var values: [String: String] = [:]
        /// Whether the platform hands back secrets for the operator to read out once.
        var secrets: Int = 0
    }

    private let reset = ActionStep(action: .resetFactors, event: "mfa.factor_admin_reset", subject: "ben@demo.example", step: "force_reset")
    private let codes = ActionStep(action: .generateBackupCodes, event: "mfa.backup_codes_generated_by_admin", subject: "fay@demo.example",
                                   step: "generate_backup_codes", values: ["delivery_channel": "video"], secrets: 10)
    private let password = ActionStep(action: .setTemporaryPassword, event: "user.password_set_by_admin", subject: "eli@demo.example",
                                      step: "set_temporary_password", secrets: 1)
    private let suspend = ActionStep(action: .suspendUser, event: "user.suspended", subject: "ben@demo.example", step: "incident_suspend",
                                     values: ["reason": "The reset went to an attacker: cut them off now"])

    /// A case standing at `a.step`, every earlier action already carried out normally.
    private func caseAtStep(_ a: ActionStep) throws -> String {
        switch a.action {
        case .resetFactors:
            return try h.reach(a.subject, situation: "device")
        case .generateBackupCodes:
            return try h.reach(a.subject, situation: "device_and_app")
        case .setTemporaryPassword:
            let id = try h.reach(a.subject, situation: "email_too")
            try h.pass(id, "force_reset")
            return id
        default:
            let id = try h.reach(a.subject, situation: "device")
            try h.pass(id, "force_reset")
            h.clock.advance(600)
            let incident = try h.service().perform(.declareIncident(reason: "The real user called: they never asked for a reset"),
                                                   on: id, actor: h.alice)
            XCTAssertNil(incident.refusal, incident.refusal?.message ?? "")
            return id
        }
    }

    /// What the directory holds for the subject that any of the four actions changes.
    private struct DirectoryEffect: Equatable {
        var factors: Int
        var unusedCodeHashes: [String]
        var passwordHash: String
        var passwordMustChange: Bool
        var suspended: Bool
        var events: [String]
        var actionRows: Int
    }

    private func effect(_ subject: String, store: DirectoryStore? = nil) throws -> DirectoryEffect {
        let store = store ?? h.directoryStore!
        let user = try XCTUnwrap(try store.user(subject))
        return DirectoryEffect(factors: try store.factors(subject).count,
                               unusedCodeHashes: try store.backupCodes(subject).filter { $0.usedAt == nil }.map(\.codeHash),
                               passwordHash: user.passwordHash, passwordMustChange: user.passwordMustChange, suspended: user.suspended,
                               events: try store.events(subject).map(\.type),
                               actionRows: try h.directoryCount("SELECT count(*) FROM actions WHERE email = ?1", [.text(subject)]))
    }

    /// The action's change to the directory, seen from before and after it, and the secrets it showed.
    private func assertEffectHappenedOnce(_ a: ActionStep, before: DirectoryEffect, after: DirectoryEffect, shown: [String],
                                          file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(after.events.filter { $0 == a.event }.count, before.events.filter { $0 == a.event }.count + 1,
                       "one directory event \(a.event)", file: file, line: line)
        XCTAssertEqual(after.events.count, before.events.count + 1, "no other directory event", file: file, line: line)
        XCTAssertEqual(after.actionRows, before.actionRows + 1, "one action row", file: file, line: line)
        switch a.action {
        case .resetFactors:
            XCTAssertGreaterThan(before.factors, 0, file: file, line: line)
            XCTAssertEqual(after.factors, 0, "factors removed", file: file, line: line)
        case .generateBackupCodes:
            XCTAssertEqual(after.factors, 0, "reset to backup codes only", file: file, line: line)
            XCTAssertEqual(after.unusedCodeHashes.count, a.secrets, "one set of codes", file: file, line: line)
            XCTAssertTrue(Set(after.unusedCodeHashes).isDisjoint(with: before.unusedCodeHashes), file: file, line: line)
            for code in shown {
                let typed = code.replacingOccurrences(of: "-", with: "")
                XCTAssertEqual(after.unusedCodeHashes.filter { PasswordHash.verify(typed, against: $0) }.count, 1,
                               "the code shown is one of the codes stored (as a hash)", file: file, line: line)
            }
        case .setTemporaryPassword:
            XCTAssertNotEqual(after.passwordHash, before.passwordHash, file: file, line: line)
            XCTAssertTrue(after.passwordMustChange, file: file, line: line)
            for secret in shown {
                XCTAssertTrue(PasswordHash.verify(secret, against: after.passwordHash), "the password shown is the one set", file: file, line: line)
            }
        default:
            XCTAssertFalse(before.suspended, file: file, line: line)
            XCTAssertTrue(after.suspended, file: file, line: line)
        }
    }

    private func pendingKey(_ caseID: String, store: HandrailStore? = nil) throws -> String {
        let requested = try (store ?? h.caseStore).events(caseID: caseID).last { $0.event.type.hasSuffix(".requested") }
        return try XCTUnwrap(requested?.event.payload["idempotencyKey"]?.stringValue)
    }

    // MARK: - Every action, no crash

    func testResetFactorsIsRequestedThenCompletedOnce() throws { try performNormally(reset) }
    func testGenerateBackupCodesIsRequestedThenCompletedOnce() throws { try performNormally(codes) }
    func testSetTemporaryPasswordIsRequestedThenCompletedOnce() throws { try performNormally(password) }
    func testSuspendUserIsRequestedThenCompletedOnce() throws { try performNormally(suspend) }

    private func performNormally(_ a: ActionStep, file: StaticString = #filePath, line: UInt = #line) throws {
        let id = try caseAtStep(a)
        let before = try effect(a.subject)
        let eventsBefore = try h.eventTypes(id).count
        let outcome = try h.pass(id, a.step, a.values, file: file, line: line)
        XCTAssertEqual(outcome.stored.map(\.event.type), ["\(a.event).requested", a.event], file: file, line: line)
        XCTAssertEqual(Array(try h.eventTypes(id).dropFirst(eventsBefore)), ["\(a.event).requested", a.event], file: file, line: line)
        XCTAssertEqual(outcome.shownOnce.count, a.secrets, "secrets shown once", file: file, line: line)
        let key = try pendingKey(id)
        XCTAssertEqual(outcome.stored.last?.event.payload["idempotencyKey"]?.stringValue, key, "the completion names the request's key",
                       file: file, line: line)
        XCTAssertEqual(outcome.stored.last?.event.actor, "alice", file: file, line: line)
        XCTAssertEqual(try h.actionRows(key: key), 1, file: file, line: line)
        let after = try effect(a.subject)
        assertEffectHappenedOnce(a, before: before, after: after, shown: outcome.shownOnce, file: file, line: line)
        try assertNeverPerformedAgain(a, caseID: id, key: key, settled: after, file: file, line: line)
        try h.assertChainVerifies(file: file, line: line)
    }

    /// Every way the same key can come back (a resume, an attestation, the step submitted again,
    /// the platform asked directly, a fresh process resuming) changes nothing and shows no secret.
    private func assertNeverPerformedAgain(_ a: ActionStep, caseID: String, key: String, settled: DirectoryEffect,
                                           file: StaticString = #filePath, line: UInt = #line) throws {
        let log = try h.eventTypes(caseID)
        h.clock.advance(5)
        let resumed = try h.service().resumePendingAction(caseID, actor: h.alice)
        XCTAssertTrue(resumed.stored.isEmpty, "resume with nothing pending records nothing", file: file, line: line)
        XCTAssertTrue(resumed.shownOnce.isEmpty, file: file, line: line)
        let attested = try h.service().attest(caseID, actor: h.alice, attestation: "Did it again in the console")
        XCTAssertEqual(attested.refusal?.kind, .stale, "a second completion is refused as stale", file: file, line: line)
        let again = try h.submit(caseID, a.step, a.values)
        XCTAssertNotNil(again.refusal, "the step cannot be decided twice", file: file, line: line)
        XCTAssertTrue(again.stored.isEmpty, file: file, line: line)

        let direct = try h.directory.perform(ActionRequest(action: a.action, idempotencyKey: key, subject: a.subject, actor: "mallory",
                                                           now: h.clock.read(), secretLifetime: 3600))
        guard case .completed(let details, let secrets) = direct else { return XCTFail("\(direct)", file: file, line: line) }
        XCTAssertTrue(secrets.isEmpty, "secrets were shown the first time only", file: file, line: line)
        XCTAssertEqual(details["platform"]?.stringValue, "local", file: file, line: line)
        XCTAssertEqual(try h.directoryStore.recordedAction(key)?.actor, "alice", "the first record stands", file: file, line: line)

        let fresh = try h.freshProcess()
        let freshResume = try fresh.service.resumePendingAction(caseID, actor: h.alice)
        XCTAssertTrue(freshResume.stored.isEmpty, file: file, line: line)

        XCTAssertEqual(try effect(a.subject), settled, "nothing in the directory changed", file: file, line: line)
        XCTAssertEqual(try h.actionRows(key: key), 1, file: file, line: line)
        XCTAssertEqual(try h.eventTypes(caseID), log, "nothing more in the case log", file: file, line: line)
    }

    // MARK: - Every action, crashed before the platform heard of it

    func testResetFactorsCrashBeforePerformIsResumedOnce() throws { try crashAndResume(reset, .beforePerform) }
    func testGenerateBackupCodesCrashBeforePerformIsResumedOnce() throws { try crashAndResume(codes, .beforePerform) }
    func testSetTemporaryPasswordCrashBeforePerformIsResumedOnce() throws { try crashAndResume(password, .beforePerform) }
    func testSuspendUserCrashBeforePerformIsResumedOnce() throws { try crashAndResume(suspend, .beforePerform) }

    // MARK: - Every action, crashed after the platform carried it out

    func testResetFactorsCrashAfterPerformIsResumedOnce() throws { try crashAndResume(reset, .afterPerform) }
    func testGenerateBackupCodesCrashAfterPerformIsResumedOnce() throws { try crashAndResume(codes, .afterPerform) }
    func testSetTemporaryPasswordCrashAfterPerformIsResumedOnce() throws { try crashAndResume(password, .afterPerform) }
    func testSuspendUserCrashAfterPerformIsResumedOnce() throws { try crashAndResume(suspend, .afterPerform) }

    // MARK: - Expired verifications and the platform's word

    /// A reset interrupted before the directory heard of it is not carried out two hours later:
    /// the verification expired, so it is failed and the case returns to verification.
    func testAnActionNotYetDoneIsNotCarriedOutAfterItsVerificationExpired() throws {
        let id = try caseAtStep(reset)
        let before = try effect(reset.subject)
        let crashing = CrashingPlatform(h.directory, crashing: reset.action, .beforePerform)
        XCTAssertThrowsError(try h.submit(id, reset.step, reset.values, via: h.service(platform: crashing)))
        h.clock.advance(2 * 3600)
        let fresh = try h.freshProcess()
        let resumed = try fresh.service.resumePendingAction(id, actor: h.alice)
        XCTAssertEqual(resumed.stored.map(\.event.type), ["\(reset.event).failed", "verification.restarted"])
        XCTAssertEqual(try effect(reset.subject, store: fresh.directory), before, "nothing was reset")
        XCTAssertEqual(try h.state(id).currentStep, "verify_identity")
        XCTAssertEqual(try h.actionRows(key: try pendingKeyOfLastRequest(id)), 0)
    }

    /// The honest counterpart: resumed within the verification's validity, it is carried out once.
    func testAnActionNotYetDoneIsCarriedOutWhileItsVerificationIsValid() throws {
        try crashAndResume(reset, .beforePerform)
    }

    /// After a crash in which the directory did reset, "it failed" is not the operator's to say.
    func testReportingAnActionFailedIsRefusedWhenThePlatformReportsItDone() throws {
        let id = try caseAtStep(reset)
        let crashing = CrashingPlatform(h.directory, crashing: reset.action, .afterPerform)
        XCTAssertThrowsError(try h.submit(id, reset.step, reset.values, via: h.service(platform: crashing)))
        let fresh = try h.freshProcess()
        let refused = try fresh.service.attest(id, actor: h.alice, attestation: nil, failure: "The console showed an error")
        XCTAssertEqual(refused.refusal?.kind, .gate)
        XCTAssertTrue(refused.refusal?.message.contains("reports resetFactors done") ?? false, refused.refusal?.message ?? "")
        XCTAssertEqual(try h.state(id).status, .actionPending)
        // The platform's answer decides: attested, its completion is recorded once.
        let attested = try fresh.service.attest(id, actor: h.alice, attestation: "Checked the directory")
        XCTAssertEqual(attested.stored.map(\.event.type), [reset.event])
    }

    /// The honest counterpart: an action the directory never carried out can be reported failed.
    func testReportingAnActionFailedIsAcceptedWhenThePlatformNeverDidIt() throws {
        let id = try caseAtStep(reset)
        let crashing = CrashingPlatform(h.directory, crashing: reset.action, .beforePerform)
        XCTAssertThrowsError(try h.submit(id, reset.step, reset.values, via: h.service(platform: crashing)))
        let fresh = try h.freshProcess()
        let failed = try fresh.service.attest(id, actor: h.alice, attestation: nil, failure: "Cancelled before the reset ran")
        XCTAssertNil(failed.refusal)
        XCTAssertEqual(failed.stored.map(\.event.type), ["\(reset.event).failed"])
    }

    private func pendingKeyOfLastRequest(_ caseID: String) throws -> String {
        let requested = try h.caseStore.events(caseID: caseID).last { $0.event.type.hasSuffix(".requested") }
        return try XCTUnwrap(requested?.event.payload["idempotencyKey"]?.stringValue)
    }

    private func crashAndResume(_ a: ActionStep, _ moment: CrashingPlatform.Moment,
                                file: StaticString = #filePath, line: UInt = #line) throws {
        let id = try caseAtStep(a)
        let before = try effect(a.subject)
        let eventsBefore = try h.eventTypes(id).count

        // The process that crashes.
        let crashing = CrashingPlatform(h.directory, crashing: a.action, moment)
        XCTAssertThrowsError(try h.submit(id, a.step, a.values, via: h.service(platform: crashing)), file: file, line: line) { error in
            XCTAssertEqual((error as? CrashingPlatform.SimulatedCrash)?.moment, moment, "\(error)", file: file, line: line)
        }
        XCTAssertEqual(Array(try h.eventTypes(id).dropFirst(eventsBefore)), ["\(a.event).requested"],
                       "the request was committed before the call; its completion is missing", file: file, line: line)
        XCTAssertEqual(try h.state(id).status, .actionPending, file: file, line: line)
        let key = try pendingKey(id)
        let crashed = try effect(a.subject)
        switch moment {
        case .beforePerform:
            XCTAssertEqual(crashing.forwardedPerforms, 0, file: file, line: line)
            XCTAssertEqual(crashed, before, "the directory never heard of it", file: file, line: line)
            XCTAssertEqual(try h.actionRows(key: key), 0, file: file, line: line)
        case .afterPerform:
            XCTAssertEqual(crashing.forwardedPerforms, 1, file: file, line: line)
            XCTAssertEqual(try h.actionRows(key: key), 1, "the directory carried it out", file: file, line: line)
            assertEffectHappenedOnce(a, before: before, after: crashed, shown: [], file: file, line: line)
        }

        // A new process resumes the case: it asks the directory, and records what happened.
        h.clock.advance(30)
        let fresh = try h.freshProcess()
        let resumed = try fresh.service.resumePendingAction(id, actor: h.alice)
        XCTAssertNil(resumed.refusal, resumed.refusal?.message ?? "", file: file, line: line)
        XCTAssertEqual(resumed.stored.map(\.event.type), [a.event], "the completion, recorded once", file: file, line: line)
        let log = try h.eventTypes(id, store: fresh.store)
        XCTAssertEqual(log.filter { $0 == "\(a.event).requested" }.count, 1, file: file, line: line)
        XCTAssertEqual(log.filter { $0 == a.event }.count, 1, file: file, line: line)
        XCTAssertEqual(log.firstIndex(of: "\(a.event).requested").map { $0 + 1 }, log.firstIndex(of: a.event),
                       "requested, then completed", file: file, line: line)
        XCTAssertEqual(resumed.stored.first?.event.payload["idempotencyKey"]?.stringValue, key, file: file, line: line)
        XCTAssertEqual(resumed.stored.first?.event.actor, "alice", "the completion is the deciding operator's", file: file, line: line)
        XCTAssertEqual(try h.actionRows(key: key), 1, "one row for the key", file: file, line: line)
        XCTAssertNotEqual(try h.state(id).status, .actionPending, file: file, line: line)

        let after = try effect(a.subject, store: fresh.directory)
        assertEffectHappenedOnce(a, before: before, after: after, shown: resumed.shownOnce, file: file, line: line)
        switch moment {
        case .beforePerform:
            // Carried out now, once, by the resuming process: it shows the secrets it generated.
            XCTAssertEqual(resumed.shownOnce.count, a.secrets, file: file, line: line)
        case .afterPerform:
            XCTAssertEqual(after, crashed, "the resume carried nothing out again", file: file, line: line)
            // The secrets generated before the crash died with that process: nothing stores them.
            XCTAssertTrue(resumed.shownOnce.isEmpty, file: file, line: line)
            if a.secrets > 0, case .completed(_, let lost)? = crashing.lostOutcome {
                XCTAssertEqual(lost.count, a.secrets, file: file, line: line)
            }
        }
        let report = try ChainVerifier(store: fresh.store).verify()
        XCTAssertNil(report.problem, report.problem?.description ?? "", file: file, line: line)
        try assertNeverPerformedAgain(a, caseID: id, key: key, settled: after, file: file, line: line)
    }

    // MARK: - A failed action

    /// A platform that cannot carry an action out says so; the case records the failure, not a completion.
    func testAnActionTheDirectoryCannotDoIsRecordedAsFailed() throws {
        let id = try h.reach("ben@demo.example", situation: "device")
        // The user vanishes from the directory between the decision and the call.
        let gone = GoneUserPlatform(h.directory)
        let outcome = try h.submit(id, "force_reset", via: h.service(platform: gone))
        XCTAssertNil(outcome.refusal)
        XCTAssertEqual(outcome.stored.map(\.event.type), ["mfa.factor_admin_reset.requested", "mfa.factor_admin_reset.failed"])
        XCTAssertEqual(try h.directoryEvents("ben@demo.example", type: "mfa.factor_admin_reset"), 0)
        XCTAssertEqual(try h.directoryCount("SELECT count(*) FROM actions"), 0)
        try h.assertChainVerifies()
    }
}

/// Forwards to LocalDirectory but asks it to act on a user it does not have.
private final class GoneUserPlatform: IdentityPlatform {
    let inner: LocalDirectory
    init(_ inner: LocalDirectory) { self.inner = inner }
    var name: String { inner.name }
    var summary: String { inner.summary }
    func facts(subject: String, history: [CaseEvent], now: Date) throws -> PlatformFacts { try inner.facts(subject: subject, history: history, now: now) }
    func missingFacts(for step: Step, values: [String: String], history: [CaseEvent]) -> [MissingFact] { [] }
    func knownFacts(history: [CaseEvent]) -> Set<String>? { nil }
    func outcome(of request: ActionRequest) throws -> ActionOutcome? { try inner.outcome(of: request) }
    func perform(_ request: ActionRequest) throws -> ActionOutcome {
        var moved = request
        moved.subject = "gone@demo.example"
        return try inner.perform(moved)
    }
}

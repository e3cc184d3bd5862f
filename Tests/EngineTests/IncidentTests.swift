import XCTest
import Engine

/// "When it goes wrong — the reset went to an attacker": suspend the user, notify the real
/// user through another channel, record the incident, and carry the real reset in a linked case.
final class IncidentTests: XCTestCase {
    static let linkedCaseID = "CASE-2"
    private let incidentReason = "Real Sam called from the office: they never asked for a reset"

    /// Reset done; the case waits for enrolment, and the real user calls.
    private func resetCase() throws -> CaseHarness {
        let h = try CaseHarness()
        h.walkToRecoveryAction(evidence: Evidence.callback())
        h.performAction("force_reset")
        return h
    }

    /// Incident declared on a reset case: it stands at the first incident step.
    private func incidentCase() throws -> CaseHarness {
        let h = try resetCase()
        h.advance(hours: 3)
        assertAccepted(h.decide(.declareIncident(reason: incidentReason)))
        return h
    }

    private func suspendValues() -> [String: String] {
        ["confirm_email": Subject.email, "reason": "Reset went to an attacker; cutting them off"]
    }

    // MARK: - Declaring

    func testDeclaringAnIncidentWithoutAnAdminActionIsRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        assertRefused(h.decide(.declareIncident(reason: incidentReason)), .invalid, messageContains: ["No admin action was carried out"])
        XCTAssertEqual(h.currentState.status, .open)
    }

    func testDeclaringAnIncidentAfterAResetStartsTheIncidentPath() throws {
        let h = try resetCase()
        let decision = assertAccepted(h.decide(.declareIncident(reason: incidentReason)))
        XCTAssertEqual(decision.events.map(\.type), ["incident.declared"])
        XCTAssertEqual(h.currentState.status, .incident)
        XCTAssertEqual(h.currentState.currentStep, "incident_suspend")
        XCTAssertFalse(h.currentState.isOverdue(at: Date("2026-05-20T10:00:00Z")), "no longer waiting for enrolment")
    }

    func testDeclaringAnIncidentOnAClosedRecoveredCaseIsAccepted() throws {
        let h = try resetCase()
        h.observeNewFactor()
        h.sendFollowUp()
        XCTAssertEqual(h.currentState.outcome, "resolved")
        assertAccepted(h.decide(.declareIncident(reason: incidentReason), as: Operators.bob))
        XCTAssertEqual(h.currentState.status, .incident)
        XCTAssertNil(h.currentState.outcome)
    }

    /// One agent must not reopen a closed case as an incident, suspend, and relink on their own.
    func testAnAgentCannotDeclareAnIncidentOnAClosedCase() throws {
        let h = try resetCase()
        h.observeNewFactor()
        h.sendFollowUp()
        assertRefused(h.decide(.declareIncident(reason: incidentReason)), .notPermitted, messageContains: ["senior"])
        XCTAssertEqual(h.currentState.status, .closed)
        XCTAssertFalse(CaseEngine.isAvailable(.declareIncident, state: h.currentState, context: h.context()))
        XCTAssertTrue(CaseEngine.isAvailable(.declareIncident, state: h.currentState, context: h.context(as: Operators.bob)))
    }

    func testDeclaringAnIncidentTwiceIsRefused() throws {
        let h = try incidentCase()
        assertRefused(h.decide(.declareIncident(reason: incidentReason)), .invalid, messageContains: ["already declared"])
    }

    // MARK: - Suspend, notify, record

    func testSuspendIsAPlatformActionRecordedAsUserSuspended() throws {
        let h = try incidentCase()
        let requested = assertAccepted(h.submit("incident_suspend", suspendValues()))
        XCTAssertEqual(requested.events.map(\.type), ["user.suspended.requested"])
        let key = try XCTUnwrap(requested.events.first?.payload["idempotencyKey"]?.stringValue)
        XCTAssertEqual(requested.effects, [.performAction(.suspendUser, idempotencyKey: key, subject: Subject.email)])
        let done = assertAccepted(h.completePendingAction())
        XCTAssertEqual(done.events.map(\.type), ["user.suspended"])
        XCTAssertEqual(done.events.first?.reason, "Reset went to an attacker; cutting them off")
        XCTAssertEqual(h.currentState.status, .incident)
        XCTAssertEqual(h.currentState.currentStep, "incident_notify")
    }

    func testSuspendWithAnotherEmailTypedIsRefused() throws {
        let h = try incidentCase()
        var values = suspendValues()
        values["confirm_email"] = "attacker@example.net"
        assertRefused(h.submit("incident_suspend", values), .gate, failing: ["confirmationMatchesSubject"])
    }

    func testSuspendWithATooShortReasonIsRefused() throws {
        let h = try incidentCase()
        var values = suspendValues()
        values["reason"] = "attacker"
        let refusal = assertRefused(h.submit("incident_suspend", values), .gate, failing: ["reasonGiven"])
        XCTAssertEqual(failureMessage(refusal, check: "reasonGiven"), "The reason is too short to review (8 characters; at least 15)")
    }

    func testFailedSuspendStaysOnTheIncidentPath() throws {
        let h = try incidentCase()
        assertAccepted(h.submit("incident_suspend", suspendValues()))
        assertAccepted(h.decide(.failAction(idempotencyKey: h.currentState.pendingAction?.idempotencyKey ?? "", error: "directory timeout")))
        XCTAssertEqual(h.currentState.status, .incident)
        XCTAssertEqual(h.currentState.currentStep, "incident_suspend")
    }

    func testNotifyingTheRealUserMustBeConfirmed() throws {
        let h = try incidentCase()
        h.performAction("incident_suspend", suspendValues())
        assertRefused(h.submit("incident_notify", ["channel": "hr_phone", "notified": "no"]), .gate, failing: ["field.notified"])
        assertRefused(h.submit("incident_notify", ["channel": "email", "notified": "yes"]), .gate, failing: ["field.channel"])
        let decision = assertAccepted(h.submit("incident_notify", ["channel": "hr_phone", "notified": "yes"]))
        XCTAssertEqual(decision.events.map(\.type), ["incident.user_notified"])
    }

    func testRecordingTheIncidentNeedsASecurityTicket() throws {
        let h = try incidentCase()
        h.performAction("incident_suspend", suspendValues())
        assertAccepted(h.submit("incident_notify", ["channel": "in_person", "notified": "yes"]))
        var values = ["what_happened": "Reset granted to a caller impersonating Sam", "how_discovered": "Sam called the desk from their office"]
        assertRefused(h.submit("incident_record", values), .gate, failing: ["field.security_ticket"])
        values["security_ticket"] = "SEC-77"
        let decision = assertAccepted(h.submit("incident_record", values))
        XCTAssertEqual(decision.events.map(\.type), ["incident.recorded"])
    }

    // MARK: - Relink

    /// Suspended, notified and recorded: the case stands at `incident_relink`.
    private func caseAtRelink() throws -> CaseHarness {
        let h = try incidentCase()
        h.performAction("incident_suspend", suspendValues())
        assertAccepted(h.submit("incident_notify", ["channel": "hr_phone", "notified": "yes"]))
        assertAccepted(h.submit("incident_record", ["what_happened": "Reset granted to a caller impersonating Sam",
                                                    "how_discovered": "Sam called the desk from their office",
                                                    "security_ticket": "SEC-77"]))
        return h
    }

    func testRelinkWithoutANewCaseIDIsRefused() throws {
        let h = try caseAtRelink()
        h.newCaseID = nil
        assertRefused(h.submit("incident_relink", ["handover": "yes"], as: Operators.bob), .invalid, messageContains: ["no case id was provided"])
        XCTAssertEqual(h.currentState.currentStep, "incident_relink")
    }

    func testAnAgentCannotRelinkTheIncidentASeniorMust() throws {
        let h = try caseAtRelink()
        h.newCaseID = Self.linkedCaseID
        let refusal = assertRefused(h.submit("incident_relink", ["handover": "yes"]), .gate, failing: ["actorIsSenior"])
        XCTAssertEqual(failureMessage(refusal, check: "actorIsSenior"), "Only a senior admin may do this step; alice is agent: ask a senior admin")
        XCTAssertEqual(h.currentState.linkedCases, [])
        XCTAssertEqual(h.eventTypes.last, "gate.refused")
        // The honest path: a senior admin relinks.
        assertAccepted(h.submit("incident_relink", ["handover": "yes"], as: Operators.bob))
        XCTAssertEqual(h.currentState.linkedCases, [Self.linkedCaseID])
    }

    func testRelinkOpensTheLinkedCaseAndClosesAsIncident() throws {
        let h = try caseAtRelink()
        h.newCaseID = Self.linkedCaseID
        let decision = assertAccepted(h.submit("incident_relink", ["handover": "yes"], as: Operators.bob))
        XCTAssertEqual(decision.events.map(\.type), ["case.linked", "case.closed"])
        XCTAssertEqual(decision.events.first?.payload["linkedCaseID"], .string(Self.linkedCaseID))
        XCTAssertEqual(decision.events.last?.payload["outcome"], .string("incident"))
        XCTAssertEqual(decision.effects, [.openLinkedCase(caseID: Self.linkedCaseID, subject: Subject.email, linkedFrom: CaseHarness.caseID)])
        XCTAssertEqual(h.currentState.linkedCases, [Self.linkedCaseID])
        XCTAssertEqual(h.currentState.status, .closed)
        XCTAssertEqual(h.currentState.outcome, "incident")
    }

    // MARK: - The linked case

    /// The suspension the incident carried out, as the linked case records it and the platform reports it.
    static let incidentSuspension = "CASE-1:incident_suspend:11"

    /// A linked case opened by an incident that alice worked and bob relinked.
    private func linkedCase(suspendedBy: String? = IncidentTests.incidentSuspension,
                            recorded: String? = IncidentTests.incidentSuspension) throws -> CaseHarness {
        var facts = Subject.facts(suspended: true)
        facts.user.suspendedBy = suspendedBy
        let h = try CaseHarness(facts: facts)
        assertAccepted(h.open(caseID: Self.linkedCaseID, linkedFrom: CaseHarness.caseID, linkedFromIncident: true,
                              incidentWorkers: ["alice", "bob"], incidentSuspension: recorded))
        return h
    }

    func testLinkedCasePassesSubjectNotSuspendedOnTheSuspendedUser() throws {
        let h = try linkedCase()
        XCTAssertEqual(h.currentState.linkedFrom, CaseHarness.caseID)
        let evaluation = h.evaluate("verify_identity", Evidence.callback())
        XCTAssertEqual(evaluation.checklist.first { $0.name == "subjectNotSuspended" }?.message,
                       "Suspended by incident case CASE-1 (CASE-1:incident_suspend:11); this is its linked case")
        assertAccepted(h.submit("verify_identity", Evidence.callback()))
    }

    func testALinkedCaseDoesNotPassOnASuspensionItsIncidentDidNotCarryOut() throws {
        // Suspended by another action (another incident, security's own), not this incident's.
        let other = try linkedCase(suspendedBy: "CASE-9:incident_suspend:4")
        let refusal = assertRefused(other.submit("verify_identity", Evidence.callback()), .gate, failing: ["subjectNotSuspended"])
        XCTAssertEqual(failureMessage(refusal, check: "subjectNotSuspended"),
                       "The account is suspended by CASE-9:incident_suspend:4, not by incident case CASE-1 (CASE-1:incident_suspend:11): refuse and escalate")
        // An incident that recorded no suspension of its own lifts none.
        let none = try linkedCase(recorded: nil)
        assertRefused(none.submit("verify_identity", Evidence.callback()), .gate, failing: ["subjectNotSuspended"])
    }

    func testSuspendedUserInACaseNotLinkedFromAnIncidentIsRefused() throws {
        let h = try CaseHarness(facts: Subject.facts(suspended: true))
        h.openCase()
        let refusal = assertRefused(h.submit("verify_identity", Evidence.callback()), .gate, failing: ["subjectNotSuspended"])
        XCTAssertEqual(failureMessage(refusal, check: "subjectNotSuspended"),
                       "The account is suspended: this is a security incident, not a recovery. Refuse and escalate")
    }

    func testTheLinkedCasesAdminActionsNeedAnApproverWhoDidNotWorkTheIncident() throws {
        let h = try linkedCase()
        h.verify(Evidence.callback())
        h.checkBackupCodes()
        h.chooseRecovery("device")
        let refusal = assertRefused(h.submit("force_reset", h.actionValues("force_reset")), .gate, failing: ["linkedCaseApproved"])
        XCTAssertTrue(failureMessage(refusal, check: "linkedCaseApproved")?.contains("did not work the incident (alice, bob)") ?? false)
        assertAccepted(h.decide(.requestApproval(reason: "Linked case of incident CASE-1: real user verified by call-back")))
        // bob relinked the incident: he may not approve what follows from it.
        assertRefused(h.decide(.approve(reason: "I handled the incident and know the user"), as: Operators.bob), .notPermitted,
                      messageContains: ["worked incident case CASE-1"])
        assertAccepted(h.decide(.approve(reason: "Checked the call-back against the HR record"), as: Operators.carol))
        h.performAction("force_reset")
        XCTAssertEqual(h.currentState.currentStep, "set_temporary_password")
    }

    func testLinkedCaseGoesFromTheResetToATemporaryPassword() throws {
        let h = try linkedCase()
        h.verify(Evidence.callback())
        h.checkBackupCodes()
        h.chooseRecovery("device")
        assertAccepted(h.decide(.requestApproval(reason: "Linked case of incident CASE-1: real user verified by call-back")))
        assertAccepted(h.decide(.approve(reason: "Checked the call-back against the HR record"), as: Operators.carol))
        h.performAction("force_reset")
        XCTAssertEqual(h.currentState.currentStep, "set_temporary_password",
                       "the attacker may have changed the password: the real user gets a new one")
        h.performAction("set_temporary_password")
        XCTAssertEqual(h.currentState.status, .awaitingEnrolment)
    }
}

import Foundation
import Runbook
import XCTest
@testable import Engine

/// A determined caller and a careless or dishonest agent: a caller refused by one agent who rings
/// the next, an agent retyping the facts a gate refused on, one person working an incident from
/// declaration to handing the account back. Each attack next to the honest path.
final class CallerAndAgentTests: XCTestCase {
    private let refusedBefore = PriorCase(id: "CASE-0", status: "closed", outcome: "refused",
                                          found: ["case.escalated", "refusal.upheld"], by: ["aaron", "bob"])

    // MARK: - 3. A ticket from someone other than the user's manager on the platform

    func testATicketFromSomeoneOtherThanTheManagerOnRecordIsAWarningForAnOrdinaryAccount() throws {
        let h = try CaseHarness()
        h.facts.user.manager = "maria.lopez@example.com"
        h.openCase()
        let evaluation = h.evaluate("verify_identity", Evidence.ticket(openedBy: "tom.other@example.com"))
        let line = try XCTUnwrap(evaluation.checklist.first { $0.name == "ticketFromSubjectsManager" })
        XCTAssertTrue(line.passed)
        XCTAssertTrue(line.warning, "shown as a warning, not a tick")
        XCTAssertEqual(line.message, "Ticket opened by tom.other@example.com, not the user's manager maria.lopez@example.com "
                       + "(the platform's record): check with maria.lopez@example.com that the request is real before you go on")
        assertAccepted(h.submit("verify_identity", Evidence.ticket(openedBy: "tom.other@example.com")))
    }

    func testATicketFromSomeoneOtherThanTheManagerIsRefusedForAPrivilegedAccount() throws {
        let h = try CaseHarness(facts: Subject.facts(privileged: true))
        h.facts.user.manager = "Maria.Lopez@example.com"
        h.openCase()
        let refusal = assertRefused(h.submit("verify_identity", Evidence.ticket(openedBy: "tom.other@example.com")), .gate,
                                    failing: ["ticketFromSubjectsManager"])
        XCTAssertTrue(failureMessage(refusal, check: "ticketFromSubjectsManager")?.contains("vouched for by its manager only") ?? false)
        // The honest path: the manager on record opened it.
        let evaluation = h.evaluate("verify_identity", Evidence.ticket(openedBy: "maria.lopez@example.com"))
        let line = try XCTUnwrap(evaluation.checklist.first { $0.name == "ticketFromSubjectsManager" })
        XCTAssertTrue(line.passed && !line.warning)
        assertAccepted(h.submit("verify_identity", Evidence.ticket(openedBy: "maria.lopez@example.com")))
    }

    func testAManagerTypedOnTheConsoleThatARefusalReadCannotBeRetypedToTheTicketsOpener() throws {
        let h = try CaseHarness(facts: Subject.facts(privileged: true))
        h.facts.user.manager = "maria.lopez@example.com"
        h.openCase()
        assertAccepted(h.typeFacts(["manager": .string("maria.lopez@example.com")]))
        assertRefused(h.submit("verify_identity", Evidence.ticket(openedBy: "tom.other@example.com")), .gate, failing: ["ticketFromSubjectsManager"])
        assertRefused(h.typeFacts(["manager": .string("tom.other@example.com")]), .gate, messageContains: ["manager was maria.lopez@example.com"])
    }

    func testWithoutAManagerOnThePlatformTheLineIsLeftOff() throws {
        let h = try CaseHarness()
        h.openCase()
        XCTAssertNil(h.evaluate("verify_identity", Evidence.ticket()).checklist.first { $0.name == "ticketFromSubjectsManager" })
    }

    // MARK: - 4. Caller shopping

    func testASecondCaseForAPersonWithAnOpenCaseIsRefusedNamingItAndWhoHoldsIt() throws {
        let h = try CaseHarness()
        let held = SubjectHistory(openCases: [OpenCaseReference(id: "CASE-0", status: .open, openedBy: "aaron", holder: "aaron")])
        assertRefused(h.open(history: held), .gate, messageContains: ["already has an open case, CASE-0", "held by aaron"])
        XCTAssertTrue(h.events.isEmpty, "a refused opening records nothing")
        let escalated = SubjectHistory(openCases: [OpenCaseReference(id: "CASE-0", status: .escalated, openedBy: "aaron", holder: nil)])
        assertRefused(h.open(history: escalated), .gate, messageContains: ["CASE-0 (escalated, opened by aaron, held by nobody now)"])
        // The honest path: no other case for the person.
        let opened = assertAccepted(h.open(history: .none))
        XCTAssertEqual(opened.events.map(\.type), ["case.opened"])
    }

    func testTheCaseAnIncidentOpensIsNotRefusedForTheIncidentCaseStillOpen() throws {
        let h = try CaseHarness(facts: Subject.facts(suspended: true))
        let incident = SubjectHistory(openCases: [OpenCaseReference(id: CaseHarness.caseID, status: .incident, openedBy: "alice", holder: "bob")],
                                      priorCases: [PriorCase(id: CaseHarness.caseID, status: "incident", outcome: nil,
                                                             found: ["incident.declared"], by: ["bob"])])
        let opened = assertAccepted(h.open(caseID: "CASE-2", linkedFrom: CaseHarness.caseID, linkedFromIncident: true, history: incident,
                                           incidentWorkers: ["alice", "bob"], incidentSuspension: "CASE-1:incident_suspend:11"))
        XCTAssertEqual(opened.events.map(\.type), ["case.opened"], "the incident it comes from is not a prior refusal")
    }

    func testAPriorRefusalIsASignalOnlyASeniorWhoDidNotOpenTheCaseClears() throws {
        let h = try CaseHarness()
        let opened = assertAccepted(h.open(history: SubjectHistory(priorCases: [refusedBefore])))
        XCTAssertEqual(opened.events.map(\.type), ["case.opened", "case.prior_cases_found"])
        XCTAssertEqual(h.currentState.standingPriorCases?.cases, [refusedBefore])
        let refusal = assertRefused(h.submit("verify_identity", Evidence.video()), .gate, failing: ["noRefusalSignals"])
        XCTAssertEqual(failureMessage(refusal, check: "noRefusalSignals"),
                       "Refused, escalated or incident cases for this user in the last 30 days: CASE-0 (refused: case.escalated, "
                       + "refusal.upheld by aaron, bob): a senior admin reviews them and clears them (clear-prior) or the case is refused")
        // The agent cannot clear it, and neither can another agent.
        assertRefused(h.decide(.clearPriorCases(reason: "The caller sounds genuine to me")), .notPermitted)
        assertRefused(h.decide(.clearPriorCases(reason: "The caller sounds genuine to me"), as: Operators.aaron), .notPermitted)
        XCTAssertFalse(CaseEngine.isAvailable(.clearPriorCases, state: h.currentState, context: h.context()))
        // The honest path: a senior looks at CASE-0 and clears it, with a reason on the record.
        XCTAssertTrue(CaseEngine.isAvailable(.clearPriorCases, state: h.currentState, context: h.context(as: Operators.bob)))
        let cleared = assertAccepted(h.decide(.clearPriorCases(reason: "Read CASE-0: refused for pressure; verified on video now"), as: Operators.bob))
        XCTAssertEqual(cleared.events.map(\.type), ["case.prior_cases_cleared"])
        XCTAssertEqual(cleared.events.first?.reason, "Read CASE-0: refused for pressure; verified on video now")
        assertAccepted(h.submit("verify_identity", Evidence.video()))
        XCTAssertEqual(h.replayed, h.currentState)
    }

    func testASeniorWhoOpenedTheCaseCannotClearItsPriorCases() throws {
        let h = try CaseHarness(actor: Operators.carol)
        assertAccepted(h.open(history: SubjectHistory(priorCases: [refusedBefore])))
        assertRefused(h.decide(.clearPriorCases(reason: "I opened it and I think it is fine")), .notPermitted,
                      messageContains: ["another senior admin"])
        assertAccepted(h.decide(.clearPriorCases(reason: "Read CASE-0; the caller is verified on video"), as: Operators.bob))
    }

    func testTheLookBackIsARunbookSettingTheCheckerValidates() throws {
        XCTAssertEqual(try ShippedRunbook.load().settings.priorRefusalLookBackDays, 30)
        let text = try String(contentsOf: ShippedRunbook.mfaRecoveryURL, encoding: .utf8)
            .replacingOccurrences(of: "priorRefusalLookBackDays: 30", with: "priorRefusalLookBackDays: 0")
        guard case .invalid(let problems) = EngineVocabulary.load(text) else { return XCTFail("a look-back of 0 was accepted") }
        XCTAssertTrue(problems.contains { $0.description.contains("priorRefusalLookBackDays") }, problems.map(\.description).joined(separator: "\n"))
    }

    // MARK: - 13. A typed fact a gate refused on is not retyped without a senior

    /// A ManualConsole case whose agent typed `privileged=yes` and was refused at the reset.
    private func refusedOnPrivileged() throws -> CaseHarness {
        let h = try CaseHarness(facts: Subject.facts(privileged: true))
        h.openCase()
        assertAccepted(h.typeFacts(["privileged": .string("yes"), "codes": .string("0")]))
        h.verify()
        h.checkBackupCodes()
        h.chooseRecovery("device")
        assertRefused(h.submit("force_reset", h.actionValues("force_reset")), .gate, failing: ["privilegedResetApproved"])
        XCTAssertEqual(h.currentState.disputedFacts, ["privileged": .string("yes")])
        return h
    }

    func testRetypingAFactAGateRefusedOnIsRefusedUntilASeniorConfirmsTheNewValue() throws {
        let h = try refusedOnPrivileged()
        let refusal = assertRefused(h.typeFacts(["privileged": .string("no")]), .gate,
                                    messageContains: ["privileged was yes when a gate refused this case; no needs a senior admin's confirmation",
                                                      "confirm-fact privileged=…"])
        XCTAssertEqual(refusal?.failedChecks.map(\.name), ["fact.privileged"])
        XCTAssertEqual(h.currentState.typedFacts["privileged"], .string("yes"), "nothing recorded")
        // Another agent cannot confirm it; the senior who confirms says what they checked.
        assertRefused(h.decide(.confirmFacts(["privileged": .string("no")], reason: "Checked the roles screen"), as: Operators.aaron), .notPermitted)
        let confirmed = assertAccepted(h.decide(.confirmFacts(["privileged": .string("no")],
                                                              reason: "Roles screen shows no admin role since yesterday"), as: Operators.bob))
        let event = try XCTUnwrap(confirmed.events.first)
        XCTAssertEqual(event.type, "fact.confirmed")
        XCTAssertEqual(event.actor, "bob")
        XCTAssertEqual(event.payload["facts"], .object(["privileged": .string("no")]))
        XCTAssertEqual(event.payload["previous"], .object(["privileged": .string("yes")]))
        // Now the agent's retyping of exactly that value passes; another value still does not.
        assertRefused(h.typeFacts(["privileged": .string("maybe")]), .gate)
        assertAccepted(h.typeFacts(["privileged": .string("no")]))
        XCTAssertEqual(h.replayed, h.currentState)
    }

    func testTheSameValueAgainOrAFactNoGateRefusedOnIsTypedFreely() throws {
        let h = try refusedOnPrivileged()
        assertAccepted(h.typeFacts(["privileged": .string("yes")]))
        assertAccepted(h.typeFacts(["codes": .string("0"), "name": .string("Sam Rivera")]))
        assertRefused(h.decide(.confirmFacts(["codes": .string("3")], reason: "Nothing was refused on the codes"), as: Operators.bob), .invalid)
    }

    func testSignInsAGateRefusedOnCannotBeRetypedAsNone() throws {
        let h = try CaseHarness()
        h.openCase()
        h.facts.signIns += (1...3).map { Subject.failedSignIn(at: h.now.addingTimeInterval(Double(-$0) * 60), from: "203.0.113.\($0)") }
        let typed: JSONValue = .array((1...3).map { .string("failed:203.0.113.\($0)@2026-05-17T09:5\($0)") })
        assertAccepted(h.typeFacts(["signins": typed]))
        assertRefused(h.submit("verify_identity", Evidence.video()), .gate, failing: ["noUnusualSignInActivity"])
        assertRefused(h.typeFacts(["signins": .array([])]), .gate, messageContains: ["signins was"])
        // The same sign-ins typed in another order are the same reading.
        assertAccepted(h.typeFacts(["signins": .array(typed.arrayValue!.reversed())]))
    }
}

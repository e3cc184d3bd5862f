import XCTest
import Engine

/// Procedure, "When to refuse": caller pressure, cannot verify, gut says no (raised by the
/// operator) and unusual recent sign-in activity (reported by the platform) stop the case.
/// The operator refuses; the refusal is a note and an escalation; a senior admin upholds
/// it or reopens the case.
final class RefusalSignalTests: XCTestCase {
    // MARK: - Operator-raised signals block `noRefusalSignals`

    func testNoRaisedSignalPasses() throws {
        let h = try CaseHarness()
        h.openCase()
        let evaluation = h.evaluate("verify_identity", Evidence.video())
        XCTAssertEqual(evaluation.checklist.first { $0.name == "noRefusalSignals" }?.passed, true)
        XCTAssertTrue(evaluation.canContinue)
    }

    func testRaisingASignalSendsTheCaseToSeniorReviewLikeARefusal() throws {
        let h = try CaseHarness()
        h.openCase()
        let reason = "Caller says the CEO will fire me if this is not done now"
        let raised = assertAccepted(h.decide(.raiseSignal(signal: "pressure", reason: reason)))
        XCTAssertEqual(raised.events.map(\.type), ["signal.raised", "case.escalated"])
        XCTAssertEqual(raised.events[1].reason, reason)
        XCTAssertEqual(h.currentState.status, .escalated)
        XCTAssertEqual(h.currentState.escalation?.signal, "pressure")
        // The attack: carrying on with the step after the signal.
        assertRefused(h.submit("verify_identity", Evidence.video()), .invalid, messageContains: ["escalated"])
        h.assertReplayMatchesIncrementalState()
    }

    func testASignalRaisedAtTheForceResetStopsIt() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        assertAccepted(h.decide(.raiseSignal(signal: "cannot_verify", reason: "The face on video does not match the HR photo after all")))
        XCTAssertEqual(h.currentState.status, .escalated)
        assertRefused(h.submit("force_reset", h.actionValues("force_reset")), .invalid, messageContains: ["escalated"])
    }

    func testASignalReopenedByASeniorLetsTheAgentGoOn() throws {
        let h = try CaseHarness()
        h.openCase()
        h.verify()
        assertAccepted(h.decide(.raiseSignal(signal: "gut_says_no", reason: "Caller hesitated over their own manager's name")))
        assertRefused(h.submit("check_backup_codes", [:]), .invalid, messageContains: ["escalated"])
        assertAccepted(h.decide(.review(.reopen, reason: "Called the manager back: the hesitation was a bad line"), as: Operators.bob))
        assertAccepted(h.submit("check_backup_codes", [:]))
    }

    func testRaisingASignalWithATooShortReasonIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        assertRefused(h.decide(.raiseSignal(signal: "pressure", reason: "urgent")), .invalid, messageContains: ["too short"])
        XCTAssertTrue(h.currentState.signals.isEmpty)
    }

    func testRaisingAnUnknownSignalIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        assertRefused(h.decide(.raiseSignal(signal: "bad_vibes", reason: "Something felt off about the call")), .invalid,
                      messageContains: ["Unknown refusal signal"])
    }

    // MARK: - Unusual sign-in activity blocks `noUnusualSignInActivity`

    /// Three failed sign-ins within 72 h, from addresses with no successful sign-in in 30 days.
    private func unusualFailures() -> [SignInAttempt] {
        [Subject.failedSignIn(at: Date("2026-05-15T02:10:00Z"), from: "203.0.113.50"),
         Subject.failedSignIn(at: Date("2026-05-16T02:11:00Z"), from: "203.0.113.51"),
         Subject.failedSignIn(at: Date("2026-05-17T09:30:00Z"), from: "203.0.113.50")]
    }

    func testThreeFailedSignInsFromUnfamiliarAddressesWithin72HoursAreRefused() throws {
        let h = try CaseHarness()
        h.facts.signIns += unusualFailures()
        h.openCase()
        let refusal = assertRefused(h.submit("verify_identity", Evidence.video()), .gate, failing: ["noUnusualSignInActivity"])
        XCTAssertEqual(failureMessage(refusal, check: "noUnusualSignInActivity"),
                       "3 failed sign-ins in the last 72 h from addresses not seen for this user in 30 days (203.0.113.50, 203.0.113.51): refuse and escalate")
    }

    func testTwoFailedSignInsFromUnfamiliarAddressesPass() throws {
        let h = try CaseHarness()
        h.facts.signIns += unusualFailures().prefix(2)
        h.openCase()
        let evaluation = h.evaluate("verify_identity", Evidence.video())
        XCTAssertEqual(evaluation.checklist.first { $0.name == "noUnusualSignInActivity" }?.message,
                       "2 failed sign-in(s) from new addresses in 72 h")
        assertAccepted(h.submit("verify_identity", Evidence.video()))
    }

    func testFailedSignInsFromAFamiliarAddressPass() throws {
        let h = try CaseHarness()
        h.facts.signIns += (0..<5).map { i in
            Subject.failedSignIn(at: Date("2026-05-17T08:00:00Z").addingTimeInterval(Double(i) * 60), from: Subject.familiarAddress)
        }
        h.openCase()
        assertAccepted(h.submit("verify_identity", Evidence.video()))
    }

    func testFailedSignInsOlderThan72HoursPass() throws {
        let h = try CaseHarness()
        h.facts.signIns += [Subject.failedSignIn(at: Date("2026-05-14T09:00:00Z"), from: "203.0.113.50"),
                            Subject.failedSignIn(at: Date("2026-05-14T09:30:00Z"), from: "203.0.113.51"),
                            Subject.failedSignIn(at: Date("2026-05-17T09:30:00Z"), from: "203.0.113.52")]
        h.openCase()
        assertAccepted(h.submit("verify_identity", Evidence.video()))
    }

    func testAnAddressLastSeenSuccessfullyMoreThan30DaysAgoCountsAsUnfamiliar() throws {
        let h = try CaseHarness()
        h.facts.signIns.append(SignInAttempt(at: Date("2026-04-01T08:00:00Z"), address: "203.0.113.50", succeeded: true))
        h.facts.signIns += unusualFailures()
        h.openCase()
        assertRefused(h.submit("verify_identity", Evidence.video()), .gate, failing: ["noUnusualSignInActivity"])
    }

    func testUnusualActivityReportedAfterVerificationBlocksTheForceReset() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        h.facts.signIns += unusualFailures()
        assertRefused(h.submit("force_reset", h.actionValues("force_reset")), .gate, failing: ["noUnusualSignInActivity"])
    }

    func testUnusualActivityCannotBeRaisedByHand() throws {
        let h = try CaseHarness()
        h.openCase()
        assertRefused(h.decide(.raiseSignal(signal: "unusual_activity", reason: "I think there were some failed sign-ins")), .invalid,
                      messageContains: ["reported by the platform, not raised by hand"])
        XCTAssertTrue(h.currentState.signals.isEmpty)
    }

    /// Nothing the operator can do clears it: not a note, not restarting verification, not
    /// pausing and resuming. Only a senior admin's reopen acknowledges it.
    func testUnusualActivityCannotBeWavedAwayByTheOperator() throws {
        let h = try CaseHarness()
        h.facts.signIns += unusualFailures()
        h.openCase()
        assertAccepted(h.decide(.addNote("Caller explains the failed sign-ins were their own, from a hotel")))
        // Nothing was verified, so there is nothing to restart (and restarting would clear nothing).
        assertRefused(h.decide(.restartVerification(reason: "Starting over with the caller")), .invalid,
                      messageContains: ["nobody has been verified"])
        assertAccepted(h.decide(.pause(reason: "Caller will call back")))
        assertAccepted(h.decide(.resume))
        assertRefused(h.submit("verify_identity", Evidence.video()), .gate, failing: ["noUnusualSignInActivity"])
        assertRefused(h.decide(.review(.reopen, reason: "I checked the addresses, they are fine")), .notPermitted)
        assertRefused(h.submit("verify_identity", Evidence.video()), .gate, failing: ["noUnusualSignInActivity"])
    }

    // MARK: - Refuse, escalate, review

    func testRefuseWritesARefusalNoteAndEscalates() throws {
        let h = try CaseHarness()
        h.openCase()
        let reason = "Caller pressing hard and could not name their manager"
        let decision = assertAccepted(h.decide(.refuse(signal: "pressure", reason: reason)))
        XCTAssertEqual(decision.events.map(\.type), ["note.added", "case.escalated"])
        XCTAssertEqual(decision.events[0].payload["kind"], .string("refusal"))
        XCTAssertEqual(decision.events[0].reason, reason)
        XCTAssertEqual(decision.events[1].payload["signal"], .string("pressure"))
        XCTAssertEqual(h.currentState.status, .escalated)
        XCTAssertEqual(h.currentState.notes.last?.kind, .refusal)
        XCTAssertEqual(h.currentState.notes.last?.text, reason)
        XCTAssertEqual(h.currentState.escalation?.by, Operators.alice.login)
        XCTAssertEqual(h.currentState.escalation?.step, "verify_identity")
        XCTAssertEqual(h.currentState.refusedSteps, ["verify_identity"])
    }

    func testRefuseWithoutAReasonAReviewerCanActOnIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        assertRefused(h.decide(.refuse(signal: "gut_says_no", reason: "no")), .invalid, messageContains: ["placeholder"])
        assertRefused(h.decide(.refuse(signal: "gut_says_no", reason: "Odd call")), .invalid, messageContains: ["too short"])
        XCTAssertEqual(h.currentState.status, .open)
    }

    func testEscalatedCaseCannotBeContinued() throws {
        let h = try CaseHarness()
        h.openCase()
        assertAccepted(h.decide(.refuse(signal: "gut_says_no", reason: "The caller's story changed twice during the call")))
        assertRefused(h.submit("verify_identity", Evidence.video()), .invalid, messageContains: ["escalated"])
    }

    func testSeniorUpholdingTheRefusalClosesTheCaseAsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        assertAccepted(h.decide(.refuse(signal: "pressure", reason: "Caller demanded the reset within two minutes")))
        let decision = assertAccepted(h.decide(.review(.uphold, reason: "Agreed: classic urgency pattern, refusal stands"), as: Operators.bob))
        XCTAssertEqual(decision.events.map(\.type), ["refusal.upheld", "case.closed"])
        XCTAssertEqual(decision.events.map(\.actor), ["bob", "bob"])
        XCTAssertEqual(h.currentState.status, .closed)
        XCTAssertEqual(h.currentState.outcome, "refused")
    }

    func testSeniorReopeningClearsSignalsAndAcknowledgesTheActivity() throws {
        let h = try CaseHarness()
        h.facts.signIns += unusualFailures()
        h.openCase()
        assertAccepted(h.decide(.raiseSignal(signal: "pressure", reason: "Caller insisted it must happen right now")))
        // Already with a senior: refusing on top of the signal is not needed, nor possible.
        assertRefused(h.decide(.refuse(signal: "unusual_activity", reason: "Three failed sign-ins from unknown addresses")), .invalid)
        h.advance(minutes: 30)
        let decision = assertAccepted(h.decide(.review(.reopen, reason: "Failed sign-ins were the user's own travel laptop; confirmed with HR"),
                                               as: Operators.bob))
        XCTAssertEqual(decision.events.map(\.type), ["case.reopened"])
        XCTAssertEqual(h.currentState.status, .open)
        XCTAssertTrue(h.currentState.signals.isEmpty)
        XCTAssertNil(h.currentState.escalation)
        XCTAssertEqual(h.currentState.activityAcknowledgedThrough, h.now)
        assertAccepted(h.submit("verify_identity", Evidence.video()))
    }

    func testFailedSignInsAfterAReopenCountAgain() throws {
        let h = try CaseHarness()
        h.facts.signIns += unusualFailures()
        h.openCase()
        assertAccepted(h.decide(.refuse(signal: "unusual_activity", reason: "Three failed sign-ins from unknown addresses")))
        assertAccepted(h.decide(.review(.reopen, reason: "Failures were the user's own, confirmed with their manager"), as: Operators.bob))
        h.advance(minutes: 10)
        h.facts.signIns += (1...3).map { i in
            Subject.failedSignIn(at: h.now.addingTimeInterval(Double(-i) * 60), from: "192.0.2.\(i)")
        }
        assertRefused(h.submit("verify_identity", Evidence.video()), .gate, failing: ["noUnusualSignInActivity"])
    }

    func testTheRefusingSeniorCannotReviewTheirOwnRefusal() throws {
        let h = try CaseHarness(actor: Operators.carol)
        h.openCase()
        assertAccepted(h.decide(.refuse(signal: "gut_says_no", reason: "Caller knew too little about their own team")))
        assertRefused(h.decide(.review(.reopen, reason: "On reflection I think it was fine after all")), .notPermitted,
                      messageContains: ["another senior admin must review it"])
        assertRefused(h.decide(.review(.uphold, reason: "Upholding my own refusal to close it quickly")), .notPermitted)
        XCTAssertEqual(h.currentState.status, .escalated)
        assertAccepted(h.decide(.review(.uphold, reason: "Agreed with carol: refusal stands"), as: Operators.bob))
    }

    func testAnAgentCannotReviewARefusal() throws {
        let h = try CaseHarness()
        h.openCase()
        assertAccepted(h.decide(.refuse(signal: "pressure", reason: "Caller threatened to complain to my manager")))
        assertRefused(h.decide(.review(.reopen, reason: "Looks fine to me, the caller was polite"), as: Operators.aaron), .notPermitted,
                      messageContains: ["Only a senior admin"])
        XCTAssertEqual(h.currentState.status, .escalated)
    }

    func testReviewingACaseThatIsNotEscalatedIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        assertRefused(h.decide(.review(.uphold, reason: "Nothing to review here really"), as: Operators.bob), .invalid)
    }
}

import XCTest
import Engine

/// Who may act, and what happens when the case moved on since the operator looked.
final class RolesAndStalenessTests: XCTestCase {
    // MARK: - Roles

    func testAnAgentCanOpenACase() throws {
        let h = try CaseHarness()
        let decision = assertAccepted(h.open())
        XCTAssertEqual(decision.events.map(\.type), ["case.opened"])
        XCTAssertEqual(h.currentState.openedBy, "alice")
        XCTAssertEqual(h.currentState.currentStep, "verify_identity")
        XCTAssertEqual(h.currentState.status, .open)
    }

    func testAnAuditorCannotOpenACase() throws {
        let h = try CaseHarness(actor: Operators.audrey)
        assertRefused(h.open(), .notPermitted, messageContains: ["auditor"])
        XCTAssertNil(h.state)
    }

    func testAnAuditorCannotActOnACase() throws {
        let h = try CaseHarness()
        h.openCase()
        assertRefused(h.submit("verify_identity", Evidence.video(), as: Operators.audrey), .notPermitted)
        assertRefused(h.decide(.addNote("Auditor looked at this case today"), as: Operators.audrey), .notPermitted)
        assertRefused(h.decide(.refuse(signal: "gut_says_no", reason: "Auditor does not like this case"), as: Operators.audrey), .notPermitted)
        XCTAssertEqual(h.eventTypes, ["case.opened"])
    }

    func testATraineeCannotOpenARealCase() throws {
        let h = try CaseHarness(actor: Operators.tom)
        assertRefused(h.open(), .notPermitted, messageContains: ["trainee", "training cases only"])
    }

    func testATraineeCannotActOnARealCase() throws {
        let h = try CaseHarness()
        h.openCase()
        assertRefused(h.submit("verify_identity", Evidence.video(), as: Operators.tom), .notPermitted)
    }

    func testATraineeCanWorkATrainingCase() throws {
        let h = try CaseHarness(actor: Operators.tom)
        h.training = true
        h.walkToRecoveryAction()
        h.performAction("force_reset")
        XCTAssertEqual(h.currentState.status, .awaitingEnrolment)
    }

    func testATraineeCannotApproveEvenInTraining() throws {
        let h = try CaseHarness(facts: Subject.facts(privileged: true))
        h.training = true
        h.walkToRecoveryAction()
        assertAccepted(h.decide(.requestApproval(reason: "Tenant admin lost their phone")))
        assertRefused(h.decide(.approve(reason: "Approving as a trainee"), as: Operators.tom), .notPermitted)
    }

    // MARK: - Stale and invalid commands

    /// A step the case never reached is the operator's mistake, not a concurrent change: a
    /// refusal (exit 3) that names the current step and what can be done there.
    func testSubmittingAStepTheCaseHasNotReachedIsARefusalNamingTheCurrentStep() throws {
        let h = try CaseHarness()
        h.openCase()
        let refusal = assertRefused(h.submit("follow_up", ["message": "x", "sent": "yes"]), .gate,
                                    messageContains: ["verify_identity", "Verify identity out-of-band", "what you can do now"])
        XCTAssertFalse(refusal?.message.contains("reload") ?? true)
        XCTAssertEqual(h.eventTypes, ["case.opened"], "nothing is recorded for a step the case is not at")
    }

    /// A step the case has passed was current when the operator looked: someone moved it on (exit 5).
    func testSubmittingAStepTheCaseHasPassedIsStale() throws {
        let h = try CaseHarness()
        h.openCase()
        h.verify()
        assertRefused(h.submit("verify_identity", Evidence.video()), .stale, messageContains: ["check_backup_codes", "reload"])
    }

    func testSubmittingAStepAlreadyCompletedIsRefusedAsStale() throws {
        let h = try CaseHarness()
        h.openCase()
        h.verify()
        assertRefused(h.submit("verify_identity", Evidence.video()), .stale)
        XCTAssertEqual(h.eventTypes.filter { $0 == "verification.recorded" }.count, 1)
    }

    func testSubmittingAStepTheRunbookDoesNotHaveIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        assertRefused(h.submit("skip_to_the_end", [:]), .invalid)
    }

    func testOpeningACaseForSomethingThatIsNotAnEmailIsRefused() throws {
        let h = try CaseHarness()
        assertRefused(h.open(subject: "Sam Rivera"), .invalid, messageContains: ["is not an email address"])
    }

    func testOpeningACaseNormalisesTheSubjectsEmail() throws {
        let h = try CaseHarness()
        h.open(subject: "  Sam.Rivera@Example.COM ")
        XCTAssertEqual(h.currentState.subject, Subject.email)
    }

    // MARK: - Pause and notes

    func testAPausedCaseCannotContinueUntilResumed() throws {
        let h = try CaseHarness()
        h.openCase()
        assertAccepted(h.decide(.pause(reason: "Call dropped; the caller will ring back")))
        XCTAssertEqual(h.currentState.status, .paused)
        assertRefused(h.submit("verify_identity", Evidence.video()), .invalid, messageContains: ["paused"])
        assertAccepted(h.decide(.resume))
        XCTAssertEqual(h.currentState.status, .open)
        h.verify()
    }

    func testANoteIsRecordedWithoutMovingTheCase() throws {
        let h = try CaseHarness()
        h.openCase()
        let decision = assertAccepted(h.decide(.addNote("Caller is travelling; will call back from the hotel")))
        XCTAssertEqual(decision.events.map(\.type), ["note.added"])
        XCTAssertEqual(h.currentState.notes.map(\.kind), [.note])
        XCTAssertEqual(h.currentState.currentStep, "verify_identity")
    }
}

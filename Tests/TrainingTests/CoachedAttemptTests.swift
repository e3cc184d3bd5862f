import Engine
import Foundation
import Store
import Terminal
import Training
import TrainingRuntime
import Wizard
import XCTest

/// Training attempts in the wizard, in process, with the TrainingCoach playing the caller:
/// the keys a trainee presses, what the caller does on their side (enrols on the training
/// tenant, the senior on duty approves), the debrief, and the result the coach keeps.
final class CoachedAttemptTests: XCTestCase {
    /// Call back the number on file, no codes, a new device: reset, the caller enrols on the
    /// training tenant, ^W sees it, the follow-up closes the case, and the debrief says PASSED.
    func testHonestNoCodesPlayedInTheWizardPasses() throws {
        let a = try CoachedAttempt("honest-no-codes")
        a.press(.function(3))
        XCTAssertEqual(a.model.training?.revealed, ["callback"])
        a.press(.right, .right)
        XCTAssertEqual(a.model.caseScreen?.values["method"], "callback")
        a.focus("callback_number")
        a.type("+15550142")
        a.focus("callback_confirmed")
        a.press(.character("y"))
        a.focus("reference")
        a.type("SUP-4242")
        a.press(.control("s"))
        XCTAssertEqual(a.state?.currentStep, "check_backup_codes", a.screen)
        a.press(.control("s"))
        XCTAssertEqual(a.state?.currentStep, "choose_recovery", a.screen)
        a.press(.right, .control("s"))
        XCTAssertEqual(a.state?.currentStep, "force_reset", a.screen)
        // The dangerous step asks for the typed email in its dialog; the reason is pre-filled there.
        a.press(.control("s"))
        XCTAssertEqual(a.modalTitle, "Force MFA reset", a.screen)
        a.type("marcus@training.example")
        a.press(.enter)
        XCTAssertEqual(a.state?.status, .awaitingEnrolment, a.screen)
        // The caller enrolled on the tenant as soon as the reset went through.
        XCTAssertEqual(try a.directory.factors("marcus@training.example").map(\.label), ["New phone"])
        a.press(.function(10))
        XCTAssertEqual(a.state?.currentStep, "follow_up", a.screen)
        a.press(.control("s"))

        XCTAssertEqual(a.state?.status, .closed, a.screen)
        XCTAssertEqual(a.modalTitle, "Debrief")
        XCTAssertEqual(a.modalLines.first, "PASSED: Caller with no codes left")
        XCTAssertEqual(a.coach.score?.passed, true)
        XCTAssertTrue(a.screen.contains("PASSED: Caller with no codes left"), a.screen)
        let results = try a.results()
        XCTAssertEqual(results.count, 1)
        XCTAssertEqual(results.first?.passed, true)
        XCTAssertEqual(results.first?.outcome, "resolved")
        XCTAssertEqual(results.first?.caseID, a.state?.caseID)
        XCTAssertEqual(results.first?.score["moments"]?.arrayValue?.compactMap { $0["hit"]?.boolValue }, [true, true, true])
    }

    /// A tenant admin: the reset is refused until a second senior approves; ^A asks, the senior
    /// on duty approves (the coach, on the caller's side), and the reset goes through.
    func testPrivilegedAdminApprovedByTheSeniorOnDutyPasses() throws {
        let a = try CoachedAttempt("privileged-admin")
        a.press(.right, .right)
        a.focus("callback_number")
        a.type("+15550142")
        a.focus("callback_confirmed")
        a.press(.character("y"))
        a.focus("reference")
        a.type("SUP-4242")
        a.press(.control("s"), .control("s"), .right, .control("s"))
        XCTAssertEqual(a.state?.currentStep, "force_reset", a.screen)
        a.press(.function(9))
        XCTAssertEqual(a.modalTitle, "Request a senior admin's approval", a.screen)
        a.type("Tenant admin, verified by call-back to the number on file")
        a.press(.enter)
        XCTAssertEqual(a.state?.approval?.state, .granted, a.screen)
        XCTAssertEqual(a.state?.approval?.decidedBy, TrainingCoach.seniorOnDuty.login)
        XCTAssertEqual(a.state?.status, .open)
        a.press(.control("s"))
        a.type("omar@training.example")
        a.press(.enter)
        XCTAssertEqual(a.state?.status, .awaitingEnrolment, a.screen)
        a.press(.function(10))
        a.press(.control("s"))
        XCTAssertEqual(a.modalLines.first, "PASSED: Tenant admin who needs a reset", a.modalLines.joined(separator: "\n"))
        XCTAssertEqual(try a.results().map(\.passed), [true])
    }

    /// The trainee calls back the number the caller added today: the wizard puts the attempt to
    /// the engine, whose gate refuses it; the trainee then refuses the call. The attempt passes
    /// (no verification, no reset), and the debrief names the gate that stopped them.
    func testCallbackToTheNewNumberIsStoppedAndTheDebriefNamesTheGate() throws {
        let a = try CoachedAttempt("caller-supplied-number")
        a.press(.function(3), .right, .right)
        a.focus("callback_number")
        a.type("+1 555 0199")
        a.focus("callback_confirmed")
        a.press(.character("y"))
        a.focus("reference")
        a.type("SUP-4242")
        a.press(.control("s"))
        XCTAssertEqual(a.modalTitle, "Refused", a.screen)
        XCTAssertTrue(a.modalLines.contains { $0.contains("Call-back number on file before today") }, "\(a.modalLines)")
        XCTAssertEqual(a.state?.currentStep, "verify_identity")
        // Refused by a gate, the caller presses.
        XCTAssertTrue(a.model.training?.revealed.contains("pressed") == true, "\(a.model.training?.revealed ?? [])")
        a.press(.enter)
        a.press(.control("r"))
        a.type("The only number on file was added today; cannot verify")
        a.press(.enter)

        XCTAssertEqual(a.state?.status, .escalated, a.screen)
        let debrief = a.modalLines
        XCTAssertEqual(debrief.first, "PASSED: Caller who gives you a 'new' number", debrief.joined(separator: "\n"))
        XCTAssertTrue(debrief.contains("Gates that stopped you:"), debrief.joined(separator: "\n"))
        XCTAssertTrue(debrief.contains { $0.hasPrefix("  Call-back number on file before today — when you tried to continue from Verify identity out-of-band (callback): +15550199 was added to the account today") },
                      debrief.joined(separator: "\n"))
        let stored = try XCTUnwrap(a.results().first)
        XCTAssertEqual(stored.score["stops"]?.arrayValue?.compactMap { $0["gate"]?.stringValue }, ["callbackNumberOnFileBeforeToday"])
    }

    /// The trainee gives in to the pressure and resets: the case would wait for an enrolment that
    /// never comes, so the attempt is over when the reset is done, and the debrief comes then —
    /// not when the trainee happens to quit — naming what actually happened.
    func testAWrongResetIsDebriefedAsSoonAsItIsDone() throws {
        let a = try CoachedAttempt("urgency-pressure")
        typeAVideoCallThatNeverHappened(a)
        a.press(.control("s"), .control("s"), .right, .control("s"), .control("s"))
        a.type("victor@training.example")
        a.press(.enter)
        XCTAssertEqual(a.state?.status, .awaitingEnrolment, a.screen)
        XCTAssertEqual(a.modalTitle, "Debrief", "the debrief is shown when the reset is done:\n\(a.screen)")
        let debrief = a.modalLines
        XCTAssertEqual(debrief.first, "NOT PASSED: Caller in a hurry, leaning on you")
        XCTAssertTrue(debrief.contains("Outcome: carried out: Force MFA reset — expected escalated (wrong)"), debrief.joined(separator: "\n"))
        XCTAssertTrue(debrief.contains("✗ MISSED  Never reset the account"), debrief.joined(separator: "\n"))
        XCTAssertTrue(debrief.contains("✗ MISSED  Refused on the pressure signal and escalated"), debrief.joined(separator: "\n"))
        XCTAssertFalse(debrief.joined().contains("observeEnrolment"), "no internal names")
        XCTAssertNil(a.coach.finish(), "scored once")
        let results = try a.results()
        XCTAssertEqual(results.count, 1)
        XCTAssertEqual(results.first?.passed, false)
        XCTAssertEqual(results.first?.outcome, "carried out: Force MFA reset")
    }

    /// Leaving mid-call (verified, nothing decided yet) still scores the attempt, and says what
    /// happened: "never reset" is not credited (leaving avoids nothing); not refusing is missed.
    func testLeavingAnUnfinishedAttemptJudgesOnlyWhatHappened() throws {
        let a = try CoachedAttempt("urgency-pressure")
        typeAVideoCallThatNeverHappened(a)
        a.press(.control("s"))
        XCTAssertEqual(a.state?.currentStep, "check_backup_codes", a.screen)
        XCTAssertNil(a.coach.score, "the case has not ended")
        a.press(.escape)

        let debrief = try XCTUnwrap(a.coach.finish())
        let text = debrief.joined(separator: "\n")
        XCTAssertEqual(debrief.first, "NOT PASSED: Caller in a hurry, leaning on you")
        XCTAssertTrue(debrief.contains("Outcome: unfinished (open) — expected escalated (wrong)"), text)
        XCTAssertTrue(debrief.contains("– not reached Never reset the account"), text)
        XCTAssertTrue(debrief.contains("✗ MISSED  Refused on the pressure signal and escalated"), text)
        XCTAssertFalse(text.contains("✓ hit"), text)
    }

    /// Opening the scenario and leaving at once is not an attempt: nothing is scored or kept.
    func testLeavingBeforeAnyCommandKeepsNothing() throws {
        let a = try CoachedAttempt("urgency-pressure")
        a.press(.escape)
        XCTAssertNil(a.coach.finish())
        XCTAssertEqual(try a.results().count, 0)
    }

    /// The verification form filled as if a video call against the HR photo had matched.
    private func typeAVideoCallThatNeverHappened(_ a: CoachedAttempt) {
        a.press(.right)
        XCTAssertEqual(a.model.caseScreen?.values["method"], "video")
        a.focus("compared_against")
        a.press(.right)
        a.focus("video_match")
        a.press(.character("y"))
        a.focus("reference")
        a.type("SUP-4242")
    }
}

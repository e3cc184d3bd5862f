import Casework
import Engine
import Foundation
import Terminal
@testable import Wizard
import XCTest

/// The plain mode on every path of the runbook, on the demo tenant (and ManualConsole): a
/// scripted input, the exact output, kept as Tests/WizardTests/Transcripts/plain-*.txt. The same
/// gates as the full screen decide (the plain mode drives the same model), and the events
/// recorded are the ones the full screen records.
final class PlainTranscriptTests: XCTestCase {
    /// Ada has backup codes left: verified on video, codes checked, walked through; closed, nothing reset.
    func testAdaRecoversWithABackupCode() throws {
        let h = try WizardHarness()
        let p = PlainDriver(h, as: WizardHarness.agent)
        p.type("n ada@demo.example")
        p.type("1")
        p.type("1")
        p.type("y")
        p.type("INC-1001")
        p.type("")
        p.type("")
        p.type("y")
        p.type("")
        p.type("q")
        p.type("q")
        XCTAssertTrue(p.session.finished)
        XCTAssertEqual(try h.eventTypes("HR-00000001"), ["case.opened", "verification.recorded", "backup_codes.checked",
                                                         "recovery.self_service_guided", "case.closed"])
        p.assertTranscript("plain-ada-backup-code")
    }

    /// Ben: call-back, no codes left, force reset (the email typed to confirm), waiting for the
    /// enrolment (not yet; then the user enrols in the directory between two lines), follow-up, closed.
    func testBenForceResetEnrolmentFollowUpClosed() throws {
        let h = try WizardHarness()
        let p = PlainDriver(h, as: WizardHarness.agent)
        p.type("n ben@demo.example")
        p.type("2")
        p.type("")
        p.type("+1555010011")
        p.type("y")
        p.type("SD-4711")
        p.type("")
        p.type("")
        p.type("1")
        p.type("")
        p.type("")
        XCTAssertTrue(p.type("ben@demo.example").contains("Reason"), p.text)
        p.type("")
        XCTAssertEqual(try h.state("HR-00000001").status, .awaitingEnrolment)
        XCTAssertTrue(p.type("").contains("No factor enrolled"), p.text)
        try h.userEnrols("ben@demo.example")
        p.type("")
        p.type("")
        p.type("y")
        p.type("")
        p.endOfInput()
        XCTAssertEqual(try h.eventTypes("HR-00000001"), [
            "case.opened", "verification.recorded", "backup_codes.checked", "recovery.chosen",
            "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset", "mfa.factor_enrolled", "followup.sent", "case.closed",
        ])
        p.assertTranscript("plain-ben-force-reset")
    }
}

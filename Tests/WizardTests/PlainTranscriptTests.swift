import Casework
import Engine
import Foundation
import Terminal
@testable import Wizard
import XCTest

/// The plain mode on every path of the runbook, on the demo tenant (and ManualConsole): a
/// scripted input, the exact output, kept as Tests/WizardTests/Golden/plain/*.txt. The same
/// gates as the full screen decide (the plain mode drives the same model), and the events
/// recorded are the ones the full screen records.
final class PlainTranscriptTests: XCTestCase {
    /// Ada has backup codes left: verified on video, codes checked, walked through; closed, nothing reset.
    func testAdaRecoversWithABackupCode() throws {
        let h = try WizardHarness()
        let p = PlainDriver(h, as: WizardHarness.agent)
        p.lines("n ada@demo.example", "1", "1", "y", "INC-1001", "", "", "y", "", "q", "q")
        XCTAssertTrue(p.session.finished)
        XCTAssertEqual(try h.eventTypes("HR-00000001"), ["case.opened", "verification.recorded", "backup_codes.checked",
                                                         "recovery.self_service_guided", "case.closed"])
        p.assertTranscript("plain-ada-backup-code")
    }

    /// Ben: call-back, no codes left, force reset (the email typed to confirm), waiting for the
    /// enrolment (not yet; then the user enrols in the directory between two lines), the notice sent
    /// through the platform, closed.
    func testBenForceResetEnrolmentFollowUpClosed() throws {
        let h = try WizardHarness()
        let p = PlainDriver(h, as: WizardHarness.agent)
        p.lines("n ben@demo.example", "2", "", "+1555010011", "y", "SD-4711", "", "", "1", "", "")
        XCTAssertTrue(p.type("ben@demo.example").contains("Reason"), p.text)
        p.type("")
        XCTAssertEqual(try h.state("HR-00000001").status, .awaitingEnrolment)
        XCTAssertTrue(p.type("").contains("No factor enrolled"), p.text)
        try h.userEnrols("ben@demo.example")
        p.lines("", "", "")
        p.endOfInput()
        XCTAssertEqual(try h.eventTypes("HR-00000001"), [
            "case.opened", "verification.recorded", "backup_codes.checked", "recovery.chosen",
            "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset", "mfa.factor_enrolled",
            "user.notified.requested", "user.notified", "case.closed",
        ])
        p.assertTranscript("plain-ben-force-reset")
    }

    /// Hana: an unacceptable method is refused by the Engine and the attempt recorded; the agent
    /// refuses (the signal chosen from the failing gate) and the case escalates; a senior, in
    /// plain mode too, upholds the refusal and the case closes.
    func testHanaRefusedEscalatedAndUpheld() throws {
        let h = try WizardHarness()
        let p = PlainDriver(h, as: WizardHarness.agent)
        p.lines("n hana@demo.example", "5")
        XCTAssertTrue(p.type("").contains("Refused"), p.text)
        XCTAssertTrue(try h.eventTypes("HR-00000001").contains("verification.rejected"))
        p.lines("?", "r", "", "")
        XCTAssertEqual(try h.state("HR-00000001").status, .escalated)
        p.lines("q", "q")

        let sam = PlainDriver(h, as: WizardHarness.senior)
        sam.lines("1", "u", "short", "Caller could not be verified and the sign-ins are from new addresses; refusal stands")
        XCTAssertEqual(try h.state("HR-00000001").status, .closed)
        sam.lines("q", "q")
        p.assertTranscript("plain-hana-refused")
        sam.assertTranscript("plain-hana-upheld-by-senior")
    }

    /// Dev is a tenant admin: the reset needs a second senior. The agent asks for approval and
    /// leaves; a senior approves; the agent comes back and does the reset.
    func testDevAdminResetNeedsApproval() throws {
        let h = try WizardHarness()
        let p = PlainDriver(h, as: WizardHarness.agent)
        p.lines("n dev.admin@demo.example", "1", "1", "y", "INC-9", "", "", "1", "")
        XCTAssertTrue(p.type("").contains("failed:"), p.text)
        p.lines("k", "Tenant admin lost his phone; verified on video against the HR photo")
        XCTAssertEqual(try h.state("HR-00000001").status, .awaitingApproval)
        p.lines("c", "q")

        let sam = PlainDriver(h, as: WizardHarness.senior)
        sam.lines("1", "a", "Saw the video recording; it is him", "q", "q")

        p.lines("list 6", "1", "", "dev.admin@demo.example", "")
        XCTAssertEqual(try h.state("HR-00000001").status, .awaitingEnrolment)
        p.endOfInput()
        XCTAssertTrue(try h.eventTypes("HR-00000001").contains("mfa.factor_admin_reset"))
        p.assertTranscript("plain-dev-admin-approval")
        sam.assertTranscript("plain-dev-admin-approved-by-senior")
    }

    /// Cara signs in with her federated identity and re-enrols herself: nothing is reset.
    func testCaraFederatedSelfService() throws {
        let h = try WizardHarness()
        let p = PlainDriver(h, as: WizardHarness.agent)
        p.lines("n cara@demo.example", "4", "y", "INC-2002", "", "y", "")
        p.endOfInput()
        XCTAssertEqual(try h.eventTypes("HR-00000001"), ["case.opened", "verification.recorded", "recovery.self_service_guided", "case.closed"])
        p.assertTranscript("plain-cara-federated")
    }

    /// ManualConsole: nothing is known until typed; the facts dialog asks them one at a time, with
    /// each one's console screen and an example, and the checklist follows what was typed.
    func testManualConsoleFactsAskedOneAtATime() throws {
        let h = try WizardHarness(demo: false)
        h.manual = true
        let id = try h.open("ada@example.org")
        let p = PlainDriver(h, as: WizardHarness.agent, start: [.openCase(id)])
        XCTAssertTrue(p.text.contains("backup codes left: not typed yet"), p.text)
        p.type("?f")
        for answer in ["no", "none", "", "3", "+15550100@2024-03-01", "no", "", "", "", "", ""] { p.type(answer) }
        XCTAssertEqual(try h.eventTypes(id).last, "facts.recorded")
        XCTAssertTrue(p.text.contains("backup codes left: 3"), p.text)
        for answer in ["1", "1", "y", "INC-1001", "", ""] { p.type(answer) }
        XCTAssertEqual(try h.eventTypes(id), ["case.opened", "facts.recorded", "verification.recorded", "backup_codes.checked"])
        p.endOfInput()
        p.assertTranscript("plain-manual-console-facts")
    }

    /// ManualConsole, from the force reset on: the reset is done in the admin console and
    /// attested in a dialog; at the enrolment wait, "I see the new factor" records the factor the
    /// console shows and the address that enrolled it, and checks the enrolment; the notice's addresses
    /// typed, the notice sent from the console and attested; closed.
    func testManualConsoleResetAttestedAndTheNewFactorTyped() throws {
        let h = try WizardHarness(demo: false)
        h.manual = true
        let id = try h.manualCaseAtForceReset()
        let p = PlainDriver(h, as: WizardHarness.agent, start: [.openCase(id)])
        p.lines("", "ada@example.org", "")
        XCTAssertTrue(p.type("Force MFA reset confirmed in the modal").contains("awaiting enrolment"), p.text)
        h.clock.advance(120)
        p.lines("f", "totp:Pixel 9@2026-05-18T10:01", "seen:198.51.100.7")
        XCTAssertEqual(try h.state(id).currentStep, "follow_up", p.text)
        // The notice needs the addresses it goes to: typed first in the facts dialog (the others kept as they are).
        XCTAssertTrue(p.type("").contains("failed: Notification addresses on file"), p.text)
        for line in ["f", "ada@example.org; ada.home@example.net"] + Array(repeating: "", count: 10) { p.type(line) }
        XCTAssertEqual(try h.eventTypes(id).last, "facts.recorded")
        XCTAssertTrue(p.type("").contains("Dialog: Attest what you did in the admin console."), p.text)
        XCTAssertFalse(try h.eventTypes(id).contains("user.notified"), "not sent until attested")
        // An attestation that does not name every address is refused, nothing recorded; the dialog asks again.
        XCTAssertTrue(p.type("Sent the notice from User detail to both addresses").contains("Not recorded"), p.text)
        XCTAssertEqual(try h.eventTypes(id).last, "user.notified.requested")
        p.type("Sent the notice from User detail to ada@example.org and ada.home@example.net")
        XCTAssertEqual(Array(try h.eventTypes(id).suffix(3)), ["user.notified.requested", "user.notified", "case.closed"])
        XCTAssertEqual(try h.state(id).status, .closed)
        p.endOfInput()
        p.assertTranscript("plain-manual-console-reset-attested")
    }

    /// The reset went to an attacker: an incident is declared on Ben's case waiting for the
    /// enrolment; the user is suspended (the email typed, the reason asked), the real user
    /// notified, the incident recorded; the linked case is refused to the agent and opened by a
    /// senior; closed as an incident.
    func testIncidentFromSuspendToLinkedCase() throws {
        let h = try WizardHarness()
        let id = try h.caseAtForceReset()
        try h.pass(id, "force_reset")
        let p = PlainDriver(h, as: WizardHarness.agent, start: [.openCase(id)])
        p.lines("x", "Ben called from his desk: he never asked for a reset")
        XCTAssertEqual(try h.state(id).currentStep, "incident_suspend", p.text)
        XCTAssertTrue(p.type("").contains("Type the user's email to confirm"), p.text)
        p.lines("ben@demo.example", "")
        XCTAssertEqual(try h.state(id).currentStep, "incident_suspend", "the reason is required: asked again")
        p.lines("ben@demo.example", "The reset went to an attacker; cutting them off")
        p.lines("1", "y", "")
        p.lines("The caller who asked for the reset was not Ben", "Ben called the desk from his own phone", "SEC-77", "")
        // Opening the linked case leads to lifting the suspension: refused to the agent, nothing recorded.
        let before = try h.eventTypes(id)
        XCTAssertTrue(p.type("y").contains("Checklist for Incident: open a linked case"), p.text)
        XCTAssertTrue(p.type("").contains("Only a senior admin may do this step"), p.text)
        XCTAssertEqual(try h.eventTypes(id), before, "nothing recorded by the refused relink")
        XCTAssertEqual(try h.state(id).currentStep, "incident_relink")
        p.lines("q", "y", "q")

        let sam = PlainDriver(h, as: WizardHarness.senior)
        sam.lines(id, "y", "")
        XCTAssertEqual(try h.state(id).status, .closed)
        XCTAssertEqual(try h.state(id).outcome, "incident")
        sam.endOfInput()
        p.assertTranscript("plain-ben-incident")
        sam.assertTranscript("plain-ben-incident-relinked-by-senior")
    }

    /// The linked case an incident opened: its reset needs a senior admin who did not work the
    /// incident. The agent asks; the senior who relinked cannot approve (not offered); another
    /// senior approves; the agent then does the reset, and the account's password follows.
    func testIncidentLinkedCaseNeedsASeniorOutsideTheIncident() throws {
        let h = try WizardHarness()
        let id = try h.caseAtForceReset()
        try h.pass(id, "force_reset")
        // The incident itself, as the transcript above walks it, set up directly.
        try h.perform(.declareIncident(reason: "Ben called from his desk: he never asked for a reset"), on: id)
        try h.pass(id, "incident_suspend", ["confirm_email": "ben@demo.example", "reason": "The reset went to an attacker; cutting them off"])
        try h.pass(id, "incident_notify", ["channel": "hr_phone", "notified": "yes"])
        try h.pass(id, "incident_record", ["what_happened": "The caller was not Ben", "how_discovered": "Ben called", "security_ticket": "SEC-77"])
        try h.service().release(id, actor: WizardHarness.agent)
        try h.pass(id, "incident_relink", ["handover": "yes"], as: WizardHarness.senior)
        let linked = try XCTUnwrap(h.state(id).linkedCases.first)

        let agent = PlainDriver(h, as: WizardHarness.agent)
        agent.lines(linked, "1", "1", "y", "INC-1001", "", "", "1", "")
        XCTAssertTrue(agent.type("").contains("Cannot continue: Approval by a senior outside the incident"), agent.text)
        XCTAssertFalse(try h.eventTypes(linked).contains("mfa.factor_admin_reset.requested"), "refused before anything is asked of the platform")
        agent.lines("k", "Real Ben verified on video after the incident")
        XCTAssertEqual(try h.state(linked).status, .awaitingApproval)
        agent.lines("q", "q")

        let relinker = PlainDriver(h, as: WizardHarness.senior)
        XCTAssertTrue(relinker.type(linked).contains("who did not work the incident (alice, sam)"), relinker.text)
        XCTAssertTrue(relinker.type("a").contains("Problem: a is not an action now."), relinker.text)
        XCTAssertEqual(try h.state(linked).status, .awaitingApproval, "nothing recorded by the refused approval")
        relinker.lines("q", "q")

        let tess = PlainDriver(h, as: Actor(login: "tess", role: .senior))
        tess.lines(linked, "a", "Saw the video and spoke to his manager: approved", "q", "q")
        let done = PlainDriver(h, as: WizardHarness.agent)
        done.lines(linked, "", "ben@demo.example", "")
        XCTAssertTrue(try h.eventTypes(linked).contains("mfa.factor_admin_reset"))
        XCTAssertEqual(try h.state(linked).currentStep, "set_temporary_password")
        done.endOfInput()
        agent.assertTranscript("plain-linked-case-approval-asked")
        relinker.assertTranscript("plain-linked-case-relinker-cannot-approve")
        tess.assertTranscript("plain-linked-case-approved-outside-the-incident")
        done.assertTranscript("plain-linked-case-reset")
    }

    /// Fay lost the device and the authenticator: the admin generates backup codes, delivered
    /// over the call-back; the codes go to the operator's terminal only.
    func testFayBackupCodesOnTheTerminalOnly() throws {
        let h = try WizardHarness()
        let id = try h.caseAtForceReset("fay@demo.example", number: "+1555010015", situation: "device_and_app")
        XCTAssertEqual(try h.state(id).currentStep, "generate_backup_codes")
        let p = PlainDriver(h, as: WizardHarness.agent, start: [.openCase(id)])
        p.lines("2", "", "fay@demo.example", "")
        XCTAssertEqual(p.recorder.secrets.count, 1, p.text)
        XCTAssertGreaterThan(p.recorder.secrets.first?.count ?? 0, 2, "the codes, on the terminal")
        p.type("")
        p.endOfInput()
        p.assertTranscript("plain-fay-backup-codes")
    }

    /// Eli lost his email too: after the reset, a temporary password. It goes to the operator's
    /// terminal only, never to the output; without a terminal the step is refused before it is decided.
    func testTemporaryPasswordGoesToTheTerminalOnly() throws {
        let h = try WizardHarness()
        let id = try h.caseAtForceReset("eli@demo.example", number: "+1555010014", situation: "email_too")
        try h.pass(id, "force_reset")
        XCTAssertEqual(try h.state(id).currentStep, "set_temporary_password")

        let blind = PlainDriver(h, as: WizardHarness.agent, start: [.openCase(id)], terminal: false)
        blind.lines("", "eli@demo.example")
        XCTAssertTrue(blind.type("").contains("no controlling terminal. Nothing was done"), blind.text)
        XCTAssertFalse(try h.eventTypes(id).contains("mfa.temporary_password_set"), "refused before it is decided")
        XCTAssertEqual(try h.state(id).currentStep, "set_temporary_password")
        blind.lines("q", "q")

        let p = PlainDriver(h, as: WizardHarness.agent, start: [.openCase(id)])
        p.lines("", "eli@demo.example")
        XCTAssertTrue(p.type("").contains("They are on your terminal now."), p.text)
        XCTAssertEqual(p.recorder.secrets.count, 1, "shown once, on the terminal")
        p.type("")
        p.endOfInput()
        p.assertTranscript("plain-eli-temporary-password")
        blind.assertTranscript("plain-eli-no-terminal")
    }
}

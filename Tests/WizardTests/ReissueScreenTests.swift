import Engine
import Foundation
import Terminal
import Wizard
import XCTest

/// A one-time secret lost before it reached the user is issued again from the actions menu (`?s`):
/// a reason dialog, then a new secret in the shown-once dialog, the old one replaced.
final class ReissueScreenTests: XCTestCase {
    func testALostTemporaryPasswordIsReissuedFromTheActionsMenu() throws {
        let h = try WizardHarness()
        let id = try h.caseAtForceReset("eli@demo.example", number: "+1555010014", situation: "email_too")
        let w = h.wizard(as: WizardHarness.agent)
        w.press(.enter)
        w.press(.control("s"))
        w.type("eli@demo.example")
        w.press(.enter)
        w.press(.control("s"))
        w.type("eli@demo.example")
        w.press(.enter)
        guard case .secrets(let first)? = w.model.modal?.kind, let lost = first.first else { return XCTFail("no shown-once dialog:\n\(w.text)") }
        w.press(.enter)
        XCTAssertEqual(w.model.caseScreen?.state.status, .awaitingEnrolment)

        w.press(.function(1))
        XCTAssertTrue(w.text.contains("reissue secret"), "offered in the actions menu:\n\(w.text)")
        w.press(.character("s"))
        guard case .reason(.reissueSecret)? = w.model.modal?.kind else { return XCTFail("no reissue dialog:\n\(w.text)") }
        // A reason that does not name the verification is refused by the action's own gate.
        w.type("The password was lost when the terminal closed")
        w.press(.enter)
        XCTAssertNil(w.model.modal.flatMap { if case .secrets = $0.kind { return $0 } else { return nil } }, "nothing issued")
        let verified = try XCTUnwrap(try h.state(id).stepValues["set_temporary_password"]?["reason"])
        if case .reason(.reissueSecret)? = w.model.modal?.kind {
            w.press(.control("u"))
        } else {
            if w.model.modal != nil { w.press(.enter) } // the refusal's message
            w.press(.function(1), .character("s"))
        }
        guard case .reason(.reissueSecret)? = w.model.modal?.kind else { return XCTFail("no reissue dialog again:\n\(w.text)") }
        w.type(verified + "; the password was lost when the terminal closed")
        w.press(.enter)
        guard case .secrets(let second)? = w.model.modal?.kind, let password = second.first else {
            return XCTFail("no shown-once dialog after the reissue: \(String(describing: w.model.modal?.kind)) \(String(describing: w.model.modal?.error)) \(String(describing: w.model.flash))\n\(w.text)")
        }
        XCTAssertNotEqual(password, lost, "a new password")
        w.press(.enter)
        XCTAssertEqual(w.model.caseScreen?.state.status, .awaitingEnrolment)
        let requests = try h.store.events(caseID: id).filter { $0.event.type == "user.password_set_by_admin.requested" }
        XCTAssertEqual(requests.count, 2)
        XCTAssertEqual(requests.last?.event.payload["reissue"], .bool(true))
        for stored in try h.store.events(caseID: id) {
            let text = "\(stored.event.payload) \(stored.event.reason ?? "")"
            XCTAssertFalse(text.contains(password) || text.contains(lost), stored.event.type)
        }
    }

    /// In the plain mode, as for the first issue: without a terminal the reissue is refused before
    /// it is decided; on a terminal the new codes go there, never to the output.
    func testPlainModeReissuesOnTheTerminalOnly() throws {
        let h = try WizardHarness()
        let id = try h.caseAtForceReset("fay@demo.example", number: "+1555010015", situation: "device_and_app")
        let p = PlainDriver(h, as: WizardHarness.agent, start: [.openCase(id)])
        p.lines("2", "", "fay@demo.example", "")
        XCTAssertEqual(p.recorder.secrets.count, 1, p.text)
        p.type("")
        XCTAssertEqual(try h.state(id).status, .awaitingEnrolment)
        let why = try XCTUnwrap(try h.state(id).stepValues["generate_backup_codes"]?["reason"]) + "; the codes were lost"
        p.lines("q", "q")

        let blind = PlainDriver(h, as: WizardHarness.agent, start: [.openCase(id)], terminal: false)
        blind.type("s")
        XCTAssertTrue(blind.type(why).contains("no controlling terminal. Nothing was done"), blind.text)
        XCTAssertEqual(try h.eventTypes(id).filter { $0 == "mfa.backup_codes_generated_by_admin.requested" }.count, 1, "refused before it is decided")
        blind.lines("q", "q")

        let again = PlainDriver(h, as: WizardHarness.agent, start: [.openCase(id)])
        again.type("s")
        again.type(why)
        XCTAssertEqual(again.recorder.secrets.count, 1, again.text)
        for code in again.recorder.secrets.first ?? [] { XCTAssertFalse(again.text.contains(code), "never on the output") }
        XCTAssertEqual(try h.eventTypes(id).filter { $0 == "mfa.backup_codes_generated_by_admin.requested" }.count, 2)
    }
}

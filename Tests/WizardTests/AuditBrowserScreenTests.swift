import Engine
import Foundation
import Store
import Terminal
import Wizard
import XCTest

/// The audit browser: the log in pages, filters, the selected event whole, bad dates refused,
/// the chain verified with its progress and result, export in either format.
final class AuditBrowserScreenTests: XCTestCase {
    func makeLog(_ h: WizardHarness) throws {
        let ben = try h.caseAtForceReset()
        try h.pass(ben, "force_reset")
        h.clock.advance(120)
        let hana = try h.open("hana@demo.example")
        try h.perform(.refuse(signal: "unusual_activity", reason: "Four failed sign-ins from addresses never seen for her"), on: hana)
        h.clock.advance(120)
        let cara = try h.open("cara@demo.example")
        try h.pass(cara, "verify_identity", ["method": "federated", "federated_signin_seen": "yes", "reference": "SD-77"])
        try h.pass(cara, "federated_self_service", ["walked_through": "yes"])
    }

    func testBrowseFilterSelectAndVerify() throws {
        let h = try WizardHarness()
        try makeLog(h)
        let w = h.wizard(as: WizardHarness.senior)
        w.press(.character("a"))
        XCTAssertEqual(w.model.route, .audit)
        XCTAssertEqual(w.model.audit.rows.count, 11, "a page is what the screen holds at 80×24")
        XCTAssertTrue(w.model.audit.hasMore)
        Golden.assertScreen(w.text, "audit-browser")

        w.press(.down, .down, .down, .down, .down)
        XCTAssertEqual(w.model.audit.selected, 5)
        Golden.assertScreen(w.text, "audit-selected-reset")
        w.press(.pageDown)
        XCTAssertEqual(w.model.audit.page, 1)
        XCTAssertEqual(w.model.audit.rows.map(\.seq), [12, 13])

        // Filters: the event type, then a date that is not one.
        w.type("mfa.factor_admin_reset")
        w.press(.enter)
        XCTAssertEqual(w.model.audit.rows.map(\.type), ["mfa.factor_admin_reset"])
        Golden.assertScreen(w.text, "audit-filtered")
        w.press(.tab, .tab, .tab, .tab)
        XCTAssertEqual(w.model.audit.focus, .since)
        w.type("May 2026")
        w.press(.enter)
        XCTAssertEqual(w.model.audit.error, "Since: write YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)")
        Golden.assertScreen(w.text, "audit-bad-date")
        w.press(.control("u"))
        w.type("2026-05-18")
        w.press(.enter)
        XCTAssertNil(w.model.audit.error)
        XCTAssertEqual(w.model.audit.rows.count, 1)

        w.press(.control("v"))
        XCTAssertNil(w.model.audit.verifyProgress)
        let result = try XCTUnwrap(w.model.audit.verifyResult)
        XCTAssertTrue(result.hasPrefix("Chain intact: 13 events; head #13 "), result)
        XCTAssertEqual(w.model.flash, "Audit chain intact")
        // The head hash depends on every byte of every event: not a layout matter.
        let masked = w.text.replacingOccurrences(of: "[0-9a-f]{16,}", with: "<head hash>", options: .regularExpression)
        Golden.assertScreen(masked, "audit-verified")
    }

    /// Progress is drawn while the verifier's workers report: the view of a model part-way.
    func testVerifyProgressBar() throws {
        let h = try WizardHarness()
        try makeLog(h)
        let w = h.wizard(as: WizardHarness.senior)
        w.press(.character("a"))
        var model = w.model
        _ = Wizard.update(&model, .key(.control("v")))
        XCTAssertEqual(model.audit.verifyProgress, 0)
        _ = Wizard.update(&model, .verifyProgress(0.42))
        Golden.assertScreen(Wizard.view(model).text, "audit-verify-progress")
        _ = Wizard.update(&model, .verifyFinished("FAILED: sequence 7: the hash does not match its contents", ok: false))
        XCTAssertEqual(model.flash, "AUDIT CHAIN BROKEN")
        XCTAssertTrue(Wizard.view(model).text.contains("FAILED: sequence 7"))
    }

    func testExportDialogSwitchesFormatAndWritesTheFile() throws {
        let h = try WizardHarness()
        try makeLog(h)
        let w = h.wizard(as: WizardHarness.senior)
        w.press(.character("a"), .function(2))
        guard case .export("csv")? = w.model.modal?.kind else { return XCTFail("no export dialog:\n\(w.text)") }
        w.press(.tab)
        guard case .export("json")? = w.model.modal?.kind else { return XCTFail("Tab does not switch to JSON:\n\(w.text)") }
        XCTAssertEqual(w.model.modal?.input.text, "handrail-audit.json")
        Golden.assertScreen(w.text, "modal-export")
        let path = h.folder.appendingPathComponent("export.json").path
        w.press(.control("u"))
        w.type(path)
        w.press(.enter)
        XCTAssertEqual(w.model.flash, "Exported 13 events to \(path)")
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: data))
    }
}

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

        // Filters: a part of an event type finds every type containing it, and says which as it
        // is typed; Tab completes it; a whole known type is that type only.
        w.type("reset")
        Golden.assertScreen(w.text, "audit-event-suggestions")
        w.press(.enter)
        XCTAssertEqual(w.model.audit.rows.map(\.type), ["mfa.factor_admin_reset.requested", "mfa.factor_admin_reset"])
        w.press(.control("u"))
        w.type("admin_re")
        w.press(.tab)
        XCTAssertEqual(w.model.audit.text(.event), "mfa.factor_admin_reset", "Tab completes to the one type containing the term")
        XCTAssertEqual(w.model.audit.focus, .event)
        w.press(.enter)
        XCTAssertEqual(w.model.audit.rows.map(\.type), ["mfa.factor_admin_reset"])
        Golden.assertScreen(w.text, "audit-filtered")
        w.press(.control("u"))
        w.type("mfa.factor_admin_reset")
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
        // The default is in the data directory's export folder, never the folder the wizard started in.
        let suggested = h.exportFolder.appendingPathComponent("handrail-audit.json").path
        XCTAssertEqual(w.model.modal?.input.text, suggested)
        Golden.assertScreen(Self.shown(w.model, folder: h.folder.path), "modal-export")
        w.press(.enter)
        XCTAssertNil(w.model.modal.flatMap { if case .export = $0.kind { return $0 } else { return nil } })
        XCTAssertEqual(w.model.flash, "Exported 13 events to \(suggested)")
        Golden.assertScreen(Self.shown(w.model, folder: h.folder.path), "modal-exported")
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: suggested))))
        w.press(.enter)

        // A name without a folder goes into the export folder too.
        w.press(.function(3), .control("u"))
        w.type("mine.json")
        w.press(.enter)
        XCTAssertEqual(w.model.flash, "Exported 13 events to \(h.exportFolder.appendingPathComponent("mine.json").path)")
    }

    /// An existing file is never replaced silently: the dialog comes back saying so, with the
    /// path still typed, and only Enter again on that same path replaces it.
    func testExportNeverReplacesAFileWithoutAsking() throws {
        let h = try WizardHarness()
        try makeLog(h)
        let path = h.folder.appendingPathComponent("precious.csv").path
        try Data("keep me\n".utf8).write(to: URL(fileURLWithPath: path))
        let w = h.wizard(as: WizardHarness.senior)
        w.press(.character("a"), .function(2), .control("u"))
        w.type(path)
        w.press(.enter)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "keep me\n", "replaced without asking")
        XCTAssertEqual(w.model.modal?.error, "\(path) exists: Enter again replaces it, or change the name")
        XCTAssertEqual(w.model.modal?.input.text, path)
        Golden.assertScreen(Self.shown(w.model, folder: h.folder.path), "modal-export-exists")
        // Changing the name is another question; coming back to it asks again.
        w.type("x")
        w.press(.backspace, .enter)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "keep me\n", "an edited path carried the confirmation")
        w.press(.enter)
        XCTAssertEqual(w.model.flash, "Exported 13 events to \(path)")
        XCTAssertTrue(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("seq,"))
    }

    /// The screen with the test's temporary folder shown as a user's data directory: a golden
    /// screen must not depend on a random folder name (nor wrap differently with its length).
    static func shown(_ model: WizardModel, folder: String) -> String {
        let home = "/home/sam/.local/share/handrail"
        func mask(_ text: String) -> String { text.replacingOccurrences(of: folder, with: home) }
        var m = model
        m.audit.exportFolder = mask(m.audit.exportFolder)
        m.flash = m.flash.map(mask)
        if var modal = m.modal {
            modal.input = TextInput(mask(modal.input.text))
            modal.error = modal.error.map(mask)
            if case .message(let title, let lines) = modal.kind { modal.kind = .message(title: title, lines: lines.map(mask)) }
            m.modal = modal
        }
        return Wizard.view(m).text
    }
}

import Casework
import Engine
import Foundation
import Platform
import XCTest

/// One presentation of a case for `case show`, its JSON and the wizard. A fact not yet typed on
/// ManualConsole is unknown there, never a pass or a zero.
final class CasePresentationTests: XCTestCase {
    func testFactsNotYetTypedAreUnknownNotZeroOrPassing() throws {
        let h = try CaseworkHarness()
        let desk = try h.desk()
        let id = try desk.open(subject: "sam@example.com", runbookID: h.runbook.id, actor: CaseworkHarness.agent).caseID
        let before = CasePresentation(try desk.snapshot(id, actor: CaseworkHarness.agent))
        XCTAssertEqual(before.facts.backupCodes, .unknown)
        XCTAssertEqual(before.facts.suspended, .unknown)
        XCTAssertEqual(before.facts.privileged, .unknown)
        XCTAssertEqual(before.facts.activity, .unknown)
        XCTAssertEqual(Set(before.missingFacts.map(\.key)), ["signins", "suspended"])

        _ = try desk.recordFacts(CaseworkHarness.ordinaryFacts.merging(["codes": .string("3")]) { $1 }, on: id, actor: CaseworkHarness.agent)
        let after = CasePresentation(try desk.snapshot(id, actor: CaseworkHarness.agent))
        XCTAssertEqual(after.facts.backupCodes, .known(3))
        XCTAssertEqual(after.facts.suspended, .known(false))
        XCTAssertEqual(after.facts.activity.value?.isUnusual, false)
        XCTAssertEqual(after.missingFacts, [])
    }

    func testTheRailAndTheActionsComeFromTheEngine() throws {
        let h = try CaseworkHarness()
        let desk = try h.desk()
        let id = try desk.open(subject: "sam@example.com", runbookID: h.runbook.id, actor: CaseworkHarness.agent).caseID
        let snapshot = try desk.snapshot(id, actor: CaseworkHarness.agent)
        let presentation = CasePresentation(snapshot)
        XCTAssertEqual(presentation.rail.first?.id, "verify_identity")
        XCTAssertEqual(presentation.rail.first?.mark, .current)
        XCTAssertEqual(presentation.actions.map(\.command.kind), CaseEngine.availableCommands(state: snapshot.state, context: snapshot.context).map(\.kind))
        XCTAssertEqual(presentation.actions.first { $0.command.kind == .continueStep }?.cliName, "verify_identity")
        XCTAssertEqual(presentation.actions.first { $0.command.kind == .refuse }?.key, "F8")
        // No action sits on a key a text field edits with (Ctrl-A/E/U/K/W, Alt-B/F): function keys or the menu.
        for action in presentation.actions {
            XCTAssertTrue(action.key.hasPrefix("F") || action.key == "?\(action.menuLetter)", "\(action.command.kind): \(action.key)")
        }
        XCTAssertEqual(Set(presentation.actions.map(\.menuLetter)).count, presentation.actions.count, "one letter per action")
        // An auditor reads the same case and is offered nothing.
        let audit = CasePresentation(try desk.snapshot(id, actor: Actor(login: "audrey", role: .auditor)))
        XCTAssertEqual(audit.actions, [])
    }
}

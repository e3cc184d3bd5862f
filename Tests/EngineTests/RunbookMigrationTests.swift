import Engine
import Foundation
import XCTest

/// A case pinned to a runbook file that has since changed can be moved onto the new file only
/// by a senior admin who did not work it, with a reason, as a chained `runbook.migrated` event
/// (old and new hash); an agent, the case's own senior, a migration with nothing changed, or one
/// onto a file without the case's current step is refused.
final class RunbookMigrationTests: XCTestCase {
    let target = RunbookPin(sha256: String(repeating: "b", count: 64), file: "mfa-recovery.json5")
    let reason = "The callback wording was corrected; the gates are unchanged"

    func opened(by actor: Actor = Operators.alice) throws -> CaseHarness {
        let h = try CaseHarness()
        h.open(as: actor)
        h.verify()
        return h
    }

    func decide(_ h: CaseHarness, as actor: Actor, target: RunbookPin?, reason: String? = nil) -> Decision {
        var context = h.context(as: actor)
        context.runbookMigrationTarget = target
        return CaseEngine.decide(.migrateRunbook(reason: reason ?? self.reason), state: h.state!, context: context)
    }

    func testASeniorWhoDidNotWorkTheCaseMovesItOntoTheNewFileWithAReason() throws {
        let h = try opened()
        let decision = assertAccepted(decide(h, as: Operators.bob, target: target))
        XCTAssertEqual(decision.events.map(\.type), ["runbook.migrated"])
        let event = try XCTUnwrap(decision.events.first)
        XCTAssertEqual(event.body, .runbookMigrated(RunbookMigration(runbookID: "mfa-recovery", from: nil, to: target.sha256,
                                                                     file: target.file, step: h.state!.currentStep)))
        XCTAssertEqual(event.reason, reason)
        XCTAssertEqual(event.actor, "bob")
        var state = h.state!
        state.apply(event, runbook: h.runbook)
        XCTAssertEqual(state.runbookSHA256, target.sha256, "later decisions load the new file")
        XCTAssertEqual(state.currentStep, h.state!.currentStep, "the case stays where it stood")
        // Once moved, there is nothing left to migrate.
        var context = h.context(as: Operators.carol)
        context.runbookMigrationTarget = target
        assertRefused(CaseEngine.decide(.migrateRunbook(reason: reason), state: state, context: context), .invalid, messageContains: ["has not changed"])
    }

    func testAnAgentTheCasesOwnSeniorOrNothingChangedIsRefused() throws {
        let h = try opened()
        assertRefused(decide(h, as: Operators.alice, target: target), .notPermitted)
        let own = try opened(by: Operators.bob)
        assertRefused(decide(own, as: Operators.bob, target: target), .notPermitted, messageContains: ["their own case"])
        assertRefused(decide(h, as: Operators.bob, target: nil), .invalid, messageContains: ["has not changed"])
        assertRefused(decide(h, as: Operators.bob, target: target, reason: "ok"), .invalid)
        XCTAssertFalse(CaseEngine.availableCommands(state: h.state!, context: h.context(as: Operators.bob)).contains { $0.kind == .migrateRunbook },
                       "never offered while the file has not changed")
    }
}

import Foundation
import Runbook
import XCTest
@testable import Engine

/// One table says which commands a case takes in which status (`CaseCommandKind`), and
/// `decide` and `availableCommands` both read it. Property: across every state the shipped
/// runbook's paths reach, for every role, every command the screens offer is decided on its
/// merits (accepted, or refused by a gate), and every command they do not offer is refused.
final class CommandAvailabilityTests: XCTestCase {
    /// A case in every status: walked down each path, one snapshot after every decision.
    func reachableCases() throws -> [(state: CaseState, facts: PlatformFacts, name: String)] {
        var seen: [(CaseState, PlatformFacts, String)] = []
        func walk(_ name: String, facts: PlatformFacts = Subject.facts(), _ body: (CaseHarness, () -> Void) throws -> Void) throws {
            let h = try CaseHarness(facts: facts)
            var n = 0
            let snap = {
                n += 1
                seen.append((h.currentState, h.facts, "\(name) #\(n) (\(h.currentState.status) at \(h.currentState.currentStep))"))
            }
            try body(h, snap)
        }
        try walk("reset") { h, snap in
            h.openCase(); snap()
            h.verify(); snap()
            h.checkBackupCodes(); snap()
            h.chooseRecovery("device"); snap()
            h.submit("force_reset", h.actionValues("force_reset")); snap()
            h.completePendingAction(); snap()
            h.advance(minutes: 5); h.enrolNewFactor(); snap()
            h.sendFollowUp(); snap()
            h.decide(.declareIncident(reason: "The real user called: they never asked for this reset")); snap()
        }
        try walk("prior") { h, snap in
            let prior = PriorCase(id: "CASE-0", status: "closed", outcome: "refused", found: ["case.escalated", "refusal.upheld"], by: ["aaron", "bob"])
            h.open(history: SubjectHistory(priorCases: [prior])); snap()
            h.decide(.clearPriorCases(reason: "Looked at CASE-0: the caller then was not the user"), as: Operators.bob); snap()
        }
        try walk("disputed") { h, snap in
            h.openCase()
            h.facts.signIns = (1...3).map { Subject.failedSignIn(at: h.now.addingTimeInterval(Double(-$0) * 60), from: "203.0.113.\($0)") }
            h.typeFacts(["signins": .array(h.facts.signIns.map { .string("failed:\($0.address)@x") })])
            h.submit("verify_identity", Evidence.video()); snap()
        }
        try walk("refused") { h, snap in
            h.openCase()
            h.decide(.pause(reason: "Caller will call back later")); snap()
            h.decide(.resume)
            h.decide(.refuse(signal: "pressure", reason: "Caller demanded it now and named the CEO")); snap()
            h.decide(.review(.reopen, reason: "Spoke to the user's manager, the request is real"), as: Operators.bob); snap()
        }
        try walk("privileged", facts: Subject.facts(privileged: true)) { h, snap in
            h.walkToRecoveryAction()
            snap()
            h.decide(.requestApproval(reason: "Tenant admin verified by video; needs a second senior")); snap()
            h.decide(.approve(reason: "Checked the video evidence and the ticket"), as: Operators.bob); snap()
        }
        try walk("reissued", facts: Subject.facts(privileged: true)) { h, snap in
            h.walkToRecoveryAction(situation: "device_and_app")
            h.decide(.requestApproval(reason: "Tenant admin verified by video; needs a second senior"))
            h.decide(.approve(reason: "Checked the video evidence and the ticket"), as: Operators.bob)
            h.performAction("generate_backup_codes", ["delivery_channel": "video"]); snap()
            h.decide(.requestApproval(reason: "The codes were lost before the user read them")); snap()
            h.advance(minutes: 20); snap()
        }
        try walk("restarted") { h, snap in
            h.walkToRecoveryAction()
            h.decide(.restartVerification(reason: "Wrong ticket reference recorded")); snap()
        }
        return seen
    }

    /// A command of `kind` with well-formed arguments, as an operator would give it.
    func command(_ kind: CaseCommandKind, state: CaseState, runbook: Runbook) -> CaseCommand {
        let reason = "A reason a reviewer can act on, long enough"
        switch kind {
        case .continueStep: return .submit(step: state.currentStep, values: [:])
        case .raiseSignal: return .raiseSignal(signal: "pressure", reason: reason)
        case .refuse: return .refuse(signal: "gut_says_no", reason: reason)
        case .note: return .addNote(reason)
        case .pause: return .pause(reason: reason)
        case .resume: return .resume
        case .restartVerification: return .restartVerification(reason: reason)
        case .requestApproval: return .requestApproval(reason: reason)
        case .approve: return .approve(reason: reason)
        case .deny: return .denyApproval(reason: reason)
        case .attest: return .completeAction(idempotencyKey: state.pendingAction?.idempotencyKey ?? "none", details: [:])
        case .attestFailed: return .failAction(idempotencyKey: state.pendingAction?.idempotencyKey ?? "none", error: reason)
        case .observeEnrolment: return .observeEnrolment
        case .uphold: return .review(.uphold, reason: reason)
        case .reopen: return .review(.reopen, reason: reason)
        case .declareIncident: return .declareIncident(reason: reason)
        case .migrateRunbook: return .migrateRunbook(reason: reason)
        case .clearPriorCases: return .clearPriorCases(reason: reason)
        case .confirmFacts: return .confirmFacts(Dictionary(uniqueKeysWithValues: state.disputedFacts.keys.map { ($0, JSONValue.string("no")) }),
                                                 reason: reason)
        case .takeOver: return .takeOver(reason: reason)
        case .reissueSecret: return .reissueSecret(reason: reason)
        }
    }

    func testEveryOfferedCommandIsDecidedOnItsMeritsAndEveryOtherIsRefused() throws {
        let runbook = try ShippedRunbook.load()
        let actors = [Operators.alice, Operators.aaron, Operators.bob, Operators.carol, Operators.audrey, Operators.tom]
        var offered = 0, withheld = 0
        var kindsSeenOffered = Set<CaseCommandKind>()
        for (state, facts, name) in try reachableCases() {
            // Free, and held by another operator (what a senior's take-over needs).
            for actor in actors { for holder in [nil, "zed"] {
                var context = DecisionContext(runbook: runbook, actor: actor, facts: facts, now: state.lastEventAt.addingTimeInterval(60),
                                              timeZone: .utc, newCaseID: "CASE-2")
                context.heldBy = holder
                let available = Set(CaseEngine.availableCommands(state: state, context: context).map(\.kind))
                for kind in CaseCommandKind.allCases {
                    let decision = CaseEngine.decide(command(kind, state: state, runbook: runbook), state: state, context: context)
                    let what = "\(kind) by \(actor.login) (\(actor.role)) on \(name)"
                    if available.contains(kind) {
                        offered += 1
                        kindsSeenOffered.insert(kind)
                        if let refusal = decision.refusal {
                            XCTAssertEqual(refusal.kind, .gate, "\(what) is offered, yet refused before its gates: \(refusal.message)")
                        }
                    } else {
                        withheld += 1
                        XCTAssertNotNil(decision.refusal, "\(what) is not offered, yet the Engine accepted it")
                    }
                }
            } }
        }
        XCTAssertGreaterThan(offered, 100)
        XCTAssertGreaterThan(withheld, 500)
        // A migration is offered only when the case's runbook file changed, which no state of the
        // walk (one runbook throughout) has: `RunbookMigrationTests` covers it.
        XCTAssertEqual(kindsSeenOffered, Set(CaseCommandKind.allCases).subtracting([.migrateRunbook]),
                       "the walk reaches a state offering every kind; never offered: \(Set(CaseCommandKind.allCases).subtracting(kindsSeenOffered))")
    }

    func testEachKindHasOneCommandLineNameAndTheStepIsTheOnlyOneWithout() {
        let names = CaseCommandKind.allCases.compactMap(\.cliName)
        XCTAssertEqual(names.count, CaseCommandKind.allCases.count - 1)
        XCTAssertEqual(Set(names).count, names.count, "names are unique")
        for kind in CaseCommandKind.allCases where kind != .continueStep {
            XCTAssertEqual(CaseCommandKind(cliName: kind.cliName!), kind)
        }
    }

    func testAnAuditorIsOfferedNothingAndATraineeNothingOutsideTraining() throws {
        let h = try CaseHarness()
        h.openCase()
        XCTAssertTrue(CaseEngine.availableCommands(state: h.currentState, context: h.context(as: Operators.audrey)).isEmpty)
        XCTAssertTrue(CaseEngine.availableCommands(state: h.currentState, context: h.context(as: Operators.tom)).isEmpty)
        h.training = true
        XCTAssertFalse(CaseEngine.availableCommands(state: h.currentState, context: h.context(as: Operators.tom)).isEmpty)
    }
}

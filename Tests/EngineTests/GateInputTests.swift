import Foundation
import Runbook
import XCTest
@testable import Engine

/// Gates declare what they read. Renaming a field a gate reads (here the call-back number) used
/// to pass `runbook check` and leave the call-back gates "not applicable": a gate failing open.
/// Now the checker rejects such a runbook, and a gate whose input is missing at run time fails
/// closed. ManualConsole asks for exactly the facts the gates declare.
final class GateInputTests: XCTestCase {
    func shippedText() throws -> String {
        try String(contentsOf: ShippedRunbook.mfaRecoveryURL, encoding: .utf8)
    }

    func testTheShippedRunbookSuppliesEveryGatesInputs() throws {
        let runbook = try ShippedRunbook.load()
        for step in runbook.steps {
            for reference in step.checks {
                let check = try XCTUnwrap(CheckCatalog.check(named: reference.name))
                XCTAssertEqual(check.inputs.missing(in: step, of: runbook), [], "\(step.id): \(reference.name)")
            }
        }
    }

    func testRenamingTheCallbackNumberFieldIsARunbookCheckError() throws {
        let text = try shippedText().replacingOccurrences(of: "id: \"callback_number\"", with: "id: \"callback_phone\"")
        guard case .invalid(let problems) = EngineVocabulary.load(text) else { return XCTFail("the renamed runbook was accepted") }
        let messages = problems.map(\.description)
        XCTAssertTrue(messages.contains { $0.contains("check \"callbackNumberOnFileBeforeToday\" reads field \"callback_number\" (phone), which step \"verify_identity\" does not have") },
                      messages.joined(separator: "\n"))
        XCTAssertTrue(messages.contains { $0.contains("callbackNumberNotCallerSupplied") }, messages.joined(separator: "\n"))
        XCTAssertTrue(problems.allSatisfy { $0.kind == .missingCheckInput }, messages.joined(separator: "\n"))
    }

    func testDroppingTheCallbackOptionIsARunbookCheckError() throws {
        let text = try shippedText().replacingOccurrences(of: "{ value: \"callback\",", with: "{ value: \"phone_back\",")
            .replacingOccurrences(of: "equals: \"callback\"", with: "equals: \"phone_back\"")
        guard case .invalid(let problems) = EngineVocabulary.load(text) else { return XCTFail("the runbook without a callback option was accepted") }
        XCTAssertTrue(problems.contains { $0.message.contains("option \"callback\" of field \"method\"") }, problems.map(\.description).joined(separator: "\n"))
    }

    /// A runbook that reached the Engine without the checker (built by hand, or checked by an
    /// older build): the call-back gates fail closed instead of reading "not applicable".
    func testAGateWhoseFieldIsMissingFailsClosedAtRunTime() throws {
        let text = try shippedText().replacingOccurrences(of: "\"callback_number\"", with: "\"callback_phone\"")
        var lenient = EngineVocabulary.vocabulary
        lenient.checkInputs = [:]
        guard case .valid(let runbook) = RunbookLoader.load(text, vocabulary: lenient) else { return XCTFail("lenient load failed") }
        let h = try CaseHarness()
        h.openCase()
        let step = try XCTUnwrap(runbook.step("verify_identity"))
        let values = ["method": "callback", "callback_phone": "+15550199", "callback_confirmed": "yes", "reference": "SUP-1"]
        let evaluation = CaseEngine.evaluate(step: step, values: values, state: h.currentState,
                                             context: DecisionContext(runbook: runbook, actor: Operators.alice, facts: h.facts, now: h.now, timeZone: .utc))
        let failed = evaluation.failures.map(\.name)
        XCTAssertTrue(failed.contains("callbackNumberOnFileBeforeToday"), "\(evaluation.checklist)")
        XCTAssertTrue(failed.contains("callbackNumberNotCallerSupplied"), "\(evaluation.checklist)")
        XCTAssertTrue(evaluation.failures.contains { $0.message.contains("the runbook does not supply what this gate reads") })
        XCTAssertFalse(evaluation.canContinue)
    }

    /// The honest path on the shipped runbook: the same values pass.
    func testTheCallbackGatesPassOnTheShippedRunbook() throws {
        let h = try CaseHarness()
        h.openCase()
        let evaluation = h.evaluate("verify_identity", Evidence.callback())
        XCTAssertTrue(evaluation.canContinue, "\(evaluation.failures)")
        XCTAssertTrue(evaluation.checklist.contains { $0.name == "callbackNumberOnFileBeforeToday" && $0.passed })
    }

    func testRequiredFactsFollowTheGatesDeclarations() throws {
        let runbook = try ShippedRunbook.load()
        func facts(_ step: String, _ values: [String: String] = [:]) throws -> Set<PlatformFact> {
            Set(CaseEngine.requiredFacts(for: try XCTUnwrap(runbook.step(step)), values: values))
        }
        XCTAssertEqual(try facts("verify_identity", ["method": "video"]), [.suspended, .signIns])
        XCTAssertEqual(try facts("verify_identity", ["method": "callback"]), [.suspended, .signIns, .phoneNumbers])
        XCTAssertEqual(try facts("verify_identity", ["method": "federated"]), [.suspended, .signIns, .federatedLinks])
        XCTAssertTrue(try facts("check_backup_codes").contains(.backupCodes))
        XCTAssertTrue(try facts("force_reset").contains(.privileged))
        XCTAssertEqual(try facts("await_enrolment"), [.factors, .enrolmentSignIn])
        XCTAssertEqual(try facts("follow_up"), [.notificationAddresses])
    }
}

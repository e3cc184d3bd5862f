import Engine
import Foundation
import XCTest

/// The trainee's moves, each asserting what the engine must make of it, so that a plan reads
/// as the call a trainee would have, and a plan that goes somewhere the runbook does not allow
/// fails at the line that tried.
extension TrainingAttempt {
    /// Evidence for the verify-identity form, one builder per method.
    enum Evidence {
        static let reference = "SUP-4242"

        static func callback(_ number: String, callerNumber: String? = nil) -> [String: String] {
            var values = ["method": "callback", "callback_number": number, "callback_confirmed": "yes", "reference": reference]
            if let callerNumber { values["caller_number"] = callerNumber }
            return values
        }

        static func video(against: String = "hr_photo") -> [String: String] {
            ["method": "video", "compared_against": against, "video_match": "yes", "reference": reference]
        }

        static func federated() -> [String: String] {
            ["method": "federated", "federated_signin_seen": "yes", "reference": reference]
        }

        /// A method the runbook does not accept, with the evidence a trainee might type anyway.
        static func unacceptable(_ method: String) -> [String: String] {
            ["method": method, "reference": reference]
        }
    }

    /// The number on the account, as the scenario has it (the first one).
    var numberOnFile: String { scenario.subject.phones.first?.number ?? "(none)" }

    func accept(_ command: CaseCommand, as actor: Actor = TrainingAttempt.trainee, _ what: String,
                file: StaticString = #filePath, line: UInt = #line) {
        let decision = decide(command, as: actor)
        if let refusal = decision.refusal {
            let checks = refusal.failedChecks.map { "\($0.name): \($0.message)" }.joined(separator: "; ")
            XCTFail("[\(scenario.id)] \(what) was refused (\(refusal.kind)): \(refusal.message) [\(checks)]", file: file, line: line)
        }
    }

    /// The trainee tries `command` and a gate refuses it with exactly `gates` failing (field lines aside).
    func refusedByGates(_ command: CaseCommand, _ gates: Set<String>, file: StaticString = #filePath, line: UInt = #line) {
        let decision = decide(command)
        guard let refusal = decision.refusal else {
            XCTFail("[\(scenario.id)] expected \(gates.sorted()) to refuse \(describe(command)); accepted with "
                    + decision.events.map(\.type).joined(separator: ", "), file: file, line: line)
            return
        }
        XCTAssertEqual(refusal.kind, .gate, "[\(scenario.id)] \(refusal.message)", file: file, line: line)
        XCTAssertEqual(Set(refusal.failedChecks.map(\.name).filter { !$0.hasPrefix("field.") }), gates,
                       "[\(scenario.id)] " + refusal.failedChecks.map { "\($0.name): \($0.message)" }.joined(separator: "; "),
                       file: file, line: line)
        XCTAssertTrue(decision.effects.isEmpty, "a refusal asks the platform for nothing", file: file, line: line)
    }

    /// The trainee tries `command` and the engine refuses it for its `kind` (not a gate).
    func refused(_ command: CaseCommand, _ kind: Refusal.Kind, file: StaticString = #filePath, line: UInt = #line) {
        let decision = decide(command)
        XCTAssertEqual(decision.refusal?.kind, kind, "[\(scenario.id)] \(describe(command)): \(decision.refusal?.message ?? "accepted")",
                       file: file, line: line)
        XCTAssertTrue(decision.effects.isEmpty, file: file, line: line)
    }

    func verify(_ evidence: [String: String], file: StaticString = #filePath, line: UInt = #line) {
        accept(.submit(step: "verify_identity", values: evidence), "verify_identity \(evidence["method"] ?? "")", file: file, line: line)
    }

    func checkBackupCodes(file: StaticString = #filePath, line: UInt = #line) {
        accept(.submit(step: "check_backup_codes", values: [:]), "check_backup_codes", file: file, line: line)
    }

    func chooseRecovery(_ situation: String, file: StaticString = #filePath, line: UInt = #line) {
        accept(.submit(step: "choose_recovery", values: ["situation": situation]), "choose_recovery \(situation)", file: file, line: line)
    }

    func prefill(_ stepID: String) -> [String: String] {
        CaseEngine.prefill(step: runbook.step(stepID)!, state: currentState, context: context(as: Self.trainee))
    }

    /// What a careful trainee submits at an admin action: the reason exactly as pre-filled from
    /// the recorded verification, the subject's email typed in, plus `extra`.
    func actionValues(_ stepID: String, _ extra: [String: String] = [:]) -> [String: String] {
        var values = prefill(stepID)
        values["confirm_email"] = subject
        values.merge(extra) { _, new in new }
        return values
    }

    /// Submits the admin action at `stepID`, then the platform reports it done.
    func performAction(_ stepID: String, _ extra: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) {
        accept(.submit(step: stepID, values: actionValues(stepID, extra)), stepID, file: file, line: line)
        let key = currentState.pendingAction?.idempotencyKey ?? "(none pending)"
        accept(.completeAction(idempotencyKey: key, details: [:]), "complete \(stepID)", file: file, line: line)
    }

    /// The verified path to a force reset that the platform carries out: codes checked, "device" chosen.
    func resetAfterVerifying(_ evidence: [String: String], file: StaticString = #filePath, line: UInt = #line) {
        verify(evidence, file: file, line: line)
        checkBackupCodes(file: file, line: line)
        chooseRecovery("device", file: file, line: line)
        performAction("force_reset", file: file, line: line)
    }

    func observeEnrolment(file: StaticString = #filePath, line: UInt = #line) {
        accept(.observeEnrolment, "observe enrolment", file: file, line: line)
    }

    func sendFollowUp(file: StaticString = #filePath, line: UInt = #line) {
        accept(.submit(step: "follow_up", values: prefill("follow_up")), "follow_up", file: file, line: line)
        let key = currentState.pendingAction?.idempotencyKey ?? "(none pending)"
        accept(.completeAction(idempotencyKey: key, details: [:]), "notice sent", file: file, line: line)
    }

    func refuse(_ signal: String, _ reason: String, file: StaticString = #filePath, line: UInt = #line) {
        accept(.refuse(signal: signal, reason: reason), "refuse (\(signal))", file: file, line: line)
    }
}

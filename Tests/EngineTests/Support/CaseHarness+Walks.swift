import XCTest
import Engine
import Runbook

/// The ordinary moves of a case, each asserting that the engine accepted it, so a test can
/// walk quickly to the step it is about and spend its lines on the gate under test.
extension CaseHarness {
    func openCase(as actor: Actor? = nil, file: StaticString = #filePath, line: UInt = #line) {
        assertAccepted(open(as: actor), "open", file: file, line: line)
    }

    func verify(_ evidence: [String: String] = Evidence.video(), as actor: Actor? = nil,
                file: StaticString = #filePath, line: UInt = #line) {
        assertAccepted(submit("verify_identity", evidence, as: actor), "verify_identity", file: file, line: line)
    }

    func checkBackupCodes(file: StaticString = #filePath, line: UInt = #line) {
        assertAccepted(submit("check_backup_codes", [:]), "check_backup_codes", file: file, line: line)
    }

    func chooseRecovery(_ situation: String, file: StaticString = #filePath, line: UInt = #line) {
        assertAccepted(submit("choose_recovery", ["situation": situation]), "choose_recovery", file: file, line: line)
    }

    /// Open → verify → no backup codes → `situation`: the case then stands at the admin action.
    func walkToRecoveryAction(evidence: [String: String] = Evidence.video(), situation: String = "device",
                              file: StaticString = #filePath, line: UInt = #line) {
        openCase(file: file, line: line)
        verify(evidence, file: file, line: line)
        checkBackupCodes(file: file, line: line)
        chooseRecovery(situation, file: file, line: line)
    }

    /// What a careful operator submits at an admin-action step: the subject's email typed in,
    /// the reason exactly as pre-filled from the recorded verification, plus `extra`.
    func actionValues(_ stepID: String, _ extra: [String: String] = [:]) -> [String: String] {
        var values = prefill(stepID)
        values["confirm_email"] = Subject.email
        values.merge(extra) { _, new in new }
        return values
    }

    /// Submits the admin action at `stepID` and records the platform's success.
    func performAction(_ stepID: String, _ extra: [String: String] = [:], as actor: Actor? = nil,
                       file: StaticString = #filePath, line: UInt = #line) {
        assertAccepted(submit(stepID, actionValues(stepID, extra), as: actor), stepID, file: file, line: line)
        assertAccepted(completePendingAction(as: actor), "complete \(stepID)", file: file, line: line)
    }

    /// Some minutes after the admin action the user enrols a new factor, and the engine sees it.
    func observeNewFactor(after minutes: Double = 5, file: StaticString = #filePath, line: UInt = #line) {
        advance(minutes: minutes)
        assertAccepted(enrolNewFactor(), "observe enrolment", file: file, line: line)
    }

    /// Sends the pre-filled notice; the platform reports it sent, which closes the case.
    func sendFollowUp(file: StaticString = #filePath, line: UInt = #line) {
        assertAccepted(submit("follow_up", prefill("follow_up")), "follow_up", file: file, line: line)
        assertAccepted(completePendingAction(details: ["recipients": .array(facts.notificationAddresses.map(JSONValue.string))]),
                       "notice sent", file: file, line: line)
    }

    /// Replaying the log from scratch gives the state built one event at a time: the Store
    /// may rebuild any case from its events and get the case the operator was looking at.
    func assertReplayMatchesIncrementalState(file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(replayed, state, "CaseState.replay differs from applying events one by one", file: file, line: line)
    }
}

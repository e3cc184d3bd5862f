import Casework
import Foundation
import XCTest

extension WizardHarness {
    /// On ManualConsole: a case for ada@example.org with every fact typed (no codes left, one
    /// number on file for years), verified by call-back, codes checked, "lost the device" chosen:
    /// at the force reset.
    func manualCaseAtForceReset() throws -> String {
        let id = try open("ada@example.org")
        let typed = try service().recordTypedFacts(["codes": "0", "suspended": "no", "signins": "none", "privileged": "no",
                                                    "phone": "+1555010011@2024-03-01", "federated": "none", "name": "Ada Lovelace"],
                                                   on: id, actor: WizardHarness.agent)
        XCTAssertNil(typed.refusal, typed.refusal?.message ?? "")
        try pass(id, "verify_identity", WizardHarness.callback)
        try pass(id, "check_backup_codes")
        try pass(id, "choose_recovery", ["situation": "device"])
        return id
    }
}

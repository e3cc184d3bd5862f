import Engine
import Foundation
import XCTest

/// How each shipped scenario is played: the right decisions, and at least one typical wrong
/// one with the moments it must miss. Keyed by scenario id; a scenario file without a plan here
/// fails the play-through test, so a new scenario cannot ship unplayed.
struct ScenarioPlan: Sendable {
    struct Wrong: Sendable {
        /// What the trainee gets wrong, in a phrase.
        var name: String
        var play: @Sendable (TrainingAttempt) -> Void
        /// The ids of exactly the moments this attempt misses.
        var missed: Set<String>
        /// The outcome the attempt ends with (`escalated`, `resolved`, `unfinished (awaiting enrolment)`, `carried out: Force MFA reset`…).
        var outcome: String
        /// The gates that stopped the trainee on the way, in order.
        var stops: [String] = []
    }

    var right: @Sendable (TrainingAttempt) -> Void
    /// Gates a careful trainee still meets on the right path (none, for most scenarios).
    var rightStops: [String] = []
    var wrong: [Wrong]
    /// Moments no wrong plan can miss because the engine itself forbids the mistake, and why;
    /// the plan shows the engine refusing it. Every other moment is missed by some wrong plan.
    var guardedByEngine: [String: String] = [:]
}

enum ScenarioPlans {
    static var all: [String: ScenarioPlan] {
        [
            "caller-supplied-number": callerSuppliedNumber,
            "chat-message": chatMessage,
            "emailed-code": emailedCode,
            "failed-signins": failedSignIns,
            "federated-user": federatedUser,
            "honest-backup-codes": honestBackupCodes,
            "honest-no-codes": honestNoCodes,
            "honest-unverifiable": honestUnverifiable,
            "lost-device-and-app": lostDeviceAndApp,
            "lost-email-too": lostEmailToo,
            "privileged-admin": privilegedAdmin,
            "urgency-pressure": urgencyPressure,
        ]
    }

    /// The careless ending of a malicious call: the trainee "verifies" on video that never
    /// happened and resets the account, which then waits for the attacker to enrol.
    static func caveAndReset(_ a: TrainingAttempt) {
        a.resetAfterVerifying(TrainingAttempt.Evidence.video())
    }

    /// A refusal scenario where the trainee gave in: the reset itself is the outcome.
    static let caveOutcome = "carried out: Force MFA reset"
    /// An honest scenario where the wrong action leaves the user unable to finish.
    static let stuckOutcome = "unfinished (awaiting enrolment)"

    // MARK: - Honest callers

    static let honestNoCodes = ScenarioPlan(
        right: { a in
            // Call back the number on file, no codes, a new device to enrol: reset, wait, follow up.
            a.verify(TrainingAttempt.Evidence.callback(a.numberOnFile))
            a.checkBackupCodes()
            a.chooseRecovery("device")
            a.performAction("force_reset")
            a.observeEnrolment()
            a.sendFollowUp()
        },
        wrong: [
            .init(name: "refuses a caller who could be verified by call-back",
                  play: { a in a.refuse("cannot_verify", "Not sure it is really him, he sounded rushed") },
                  missed: ["callback", "reset", "follow-up"], outcome: "escalated"),
            .init(name: "leaves the case once he has enrolled, without the follow-up",
                  play: { a in
                      a.resetAfterVerifying(TrainingAttempt.Evidence.callback(a.numberOnFile))
                      a.observeEnrolment()
                  },
                  missed: ["follow-up"], outcome: "unfinished (open)"),
        ])

    static let honestBackupCodes = ScenarioPlan(
        right: { a in
            a.verify(TrainingAttempt.Evidence.video())
            a.checkBackupCodes()
            // With codes left the runbook goes to self-service: there is no reset to choose.
            if a.currentState.currentStep != "backup_code_self_service" {
                return XCTFailInPlan("codes left should lead to backup_code_self_service, not \(a.currentState.currentStep)")
            }
            a.accept(.submit(step: "backup_code_self_service", values: ["walked_through": "yes"]), "backup_code_self_service")
        },
        wrong: [
            .init(name: "skips the code check and goes for a reset, which the runbook does not allow, then refuses",
                  play: { a in
                      a.verify(TrainingAttempt.Evidence.video())
                      a.refused(.submit(step: "choose_recovery", values: ["situation": "device"]), .gate)
                      a.refused(.submit(step: "force_reset", values: a.actionValues("force_reset")), .gate)
                      a.refuse("gut_says_no", "She wants a reset and the wizard will not let me give her one")
                  },
                  missed: ["self-service"], outcome: "escalated"),
            .init(name: "refuses her before verifying her",
                  play: { a in a.refuse("cannot_verify", "Could not be sure who was on the line") },
                  missed: ["verified", "self-service"], outcome: "escalated"),
        ],
        guardedByEngine: ["no-reset": "with backup codes left, check_backup_codes leads only to self-service; force_reset is refused"])

    static let federatedUser = ScenarioPlan(
        right: { a in
            a.verify(TrainingAttempt.Evidence.federated())
            a.accept(.submit(step: "federated_self_service", values: ["walked_through": "yes"]), "federated_self_service")
        },
        wrong: [
            // The reset itself is now stopped: with a federated identity on file it needs a senior's approval.
            .init(name: "ignores her Google sign-in and tries to force-reset after a call-back",
                  play: { a in
                      a.verify(TrainingAttempt.Evidence.callback(a.numberOnFile))
                      a.checkBackupCodes()
                      a.chooseRecovery("device")
                      a.refusedByGates(.submit(step: "force_reset", values: a.actionValues("force_reset")), ["federatedUserApproved"])
                  },
                  missed: ["federated"], outcome: "unfinished (open)", stops: ["federatedUserApproved"]),
        ],
        guardedByEngine: ["no-reset": "with a federated identity on file, federatedUserApproved refuses a reset a senior admin has not approved"])

    static let honestUnverifiable = ScenarioPlan(
        right: { a in a.refuse("cannot_verify", "No video today, and the number on file is her stolen phone") },
        wrong: [
            .init(name: "tries knowledge questions, then calls back the stolen phone and resets",
                  play: { a in
                      a.refusedByGates(.submit(step: "verify_identity", values: TrainingAttempt.Evidence.unacceptable("knowledge")),
                                       ["verificationMethodAcceptable"])
                      a.resetAfterVerifying(TrainingAttempt.Evidence.callback(a.numberOnFile))
                  },
                  missed: ["cannot-verify", "no-reset"], outcome: caveOutcome, stops: ["verificationMethodAcceptable"]),
        ])

    static let lostDeviceAndApp = ScenarioPlan(
        right: { a in
            a.verify(TrainingAttempt.Evidence.video(against: "government_id"))
            a.checkBackupCodes()
            a.chooseRecovery("device_and_app")
            a.performAction("generate_backup_codes", ["delivery_channel": "video"])
            a.observeEnrolment()
            a.sendFollowUp()
        },
        wrong: [
            .init(name: "force-resets as for a lost device: she has nothing to enrol with",
                  play: { a in
                      a.resetAfterVerifying(TrainingAttempt.Evidence.video(against: "government_id"))
                      a.refusedByGates(.observeEnrolment, ["enrolledAfterReset"])
                  },
                  missed: ["codes", "no-reset"], outcome: stuckOutcome, stops: ["enrolledAfterReset"]),
            .init(name: "verifies by calling back the number on file (the stolen phone) and reads the codes over it",
                  play: { a in
                      a.verify(TrainingAttempt.Evidence.callback(a.numberOnFile))
                      a.checkBackupCodes()
                      a.chooseRecovery("device_and_app")
                      a.performAction("generate_backup_codes", ["delivery_channel": "callback"])
                      a.observeEnrolment()
                      a.sendFollowUp()
                  },
                  missed: ["video"], outcome: "resolved"),
        ])

    static let lostEmailToo = ScenarioPlan(
        right: { a in
            a.verify(TrainingAttempt.Evidence.video(against: "government_id"))
            a.checkBackupCodes()
            a.chooseRecovery("email_too")
            a.performAction("force_reset")
            a.performAction("set_temporary_password")
            a.observeEnrolment()
            a.sendFollowUp()
        },
        wrong: [
            .init(name: "resets as for a lost device: no temporary password, so he cannot sign in to enrol",
                  play: { a in
                      a.resetAfterVerifying(TrainingAttempt.Evidence.video(against: "government_id"))
                      a.refusedByGates(.observeEnrolment, ["enrolledAfterReset"])
                  },
                  missed: ["temporary-password"], outcome: stuckOutcome, stops: ["enrolledAfterReset"]),
            .init(name: "verifies by calling back the number on file, his stolen phone",
                  play: { a in
                      a.verify(TrainingAttempt.Evidence.callback(a.numberOnFile))
                      a.checkBackupCodes()
                      a.chooseRecovery("email_too")
                      a.performAction("force_reset")
                      a.performAction("set_temporary_password")
                      a.observeEnrolment()
                      a.sendFollowUp()
                  },
                  missed: ["video"], outcome: "resolved"),
            .init(name: "refuses a caller who offered a video call",
                  play: { a in a.refuse("gut_says_no", "Too much lost at once, this feels off to me") },
                  missed: ["video", "reset", "temporary-password"], outcome: "escalated"),
        ])

    static let privilegedAdmin = ScenarioPlan(
        right: { a in
            a.verify(TrainingAttempt.Evidence.callback(a.numberOnFile))
            a.checkBackupCodes()
            a.chooseRecovery("device")
            // The senior on duty approves when asked (userSide); then the reset goes through.
            a.accept(.requestApproval(reason: "Tenant admin reset, verified by call-back"), "request approval")
            a.performAction("force_reset")
            a.observeEnrolment()
            a.sendFollowUp()
        },
        wrong: [
            .init(name: "tries the reset without a second approval, is stopped, and gives up",
                  play: { a in
                      a.verify(TrainingAttempt.Evidence.callback(a.numberOnFile))
                      a.checkBackupCodes()
                      a.chooseRecovery("device")
                      a.refusedByGates(.submit(step: "force_reset", values: a.actionValues("force_reset")), ["privilegedResetApproved"])
                      a.refuse("gut_says_no", "The wizard will not let me reset an admin account")
                  },
                  missed: ["approval", "reset"], outcome: "escalated", stops: ["privilegedResetApproved"]),
        ])

    // MARK: - Malicious callers

    static let callerSuppliedNumber = ScenarioPlan(
        right: { a in a.refuse("cannot_verify", "The only number on the account was added today; no other channel") },
        wrong: [
            .init(name: "calls back the number added today, is stopped, then takes another path and resets",
                  play: { a in
                      a.refusedByGates(.submit(step: "verify_identity", values: TrainingAttempt.Evidence.callback("+1 555 0199")),
                                       ["callbackNumberOnFileBeforeToday"])
                      caveAndReset(a)
                  },
                  missed: ["no-callback-verification", "no-reset"], outcome: caveOutcome, stops: ["callbackNumberOnFileBeforeToday"]),
        ])

    static let chatMessage = ScenarioPlan(
        right: { a in a.refuse("cannot_verify", "Only a chat message from the account; no out-of-band channel") },
        wrong: [
            .init(name: "takes the chat message as verification, is stopped, then verifies on a video that never happened",
                  play: { a in
                      a.refusedByGates(.submit(step: "verify_identity", values: TrainingAttempt.Evidence.unacceptable("chat_message")),
                                       ["verificationMethodAcceptable"])
                      caveAndReset(a)
                  },
                  missed: ["no-chat-verification", "cannot-verify"], outcome: caveOutcome, stops: ["verificationMethodAcceptable"]),
        ])

    static let emailedCode = ScenarioPlan(
        right: { a in a.refuse("cannot_verify", "Wants a code emailed instead of verifying; nothing out-of-band") },
        wrong: [
            .init(name: "tries an emailed code, is stopped, then refuses",
                  play: { a in
                      a.refusedByGates(.submit(step: "verify_identity", values: TrainingAttempt.Evidence.unacceptable("recovery_email_code")),
                                       ["verificationMethodAcceptable"])
                      a.refuse("cannot_verify", "Could not verify him out-of-band in the end")
                  },
                  missed: ["no-email-code"], outcome: "escalated", stops: ["verificationMethodAcceptable"]),
            .init(name: "gives in and resets after a video that never happened",
                  play: { caveAndReset($0) },
                  missed: ["no-reset", "cannot-verify"], outcome: caveOutcome),
        ])

    static let failedSignIns = ScenarioPlan(
        right: { a in a.refuse("unusual_activity", "Four failed sign-ins today from addresses never seen for him") },
        wrong: [
            .init(name: "calls back, is stopped by the unusual activity, and refuses on the wrong signal",
                  play: { a in
                      a.refusedByGates(.submit(step: "verify_identity", values: TrainingAttempt.Evidence.callback(a.numberOnFile)),
                                       ["noUnusualSignInActivity"])
                      a.refuse("gut_says_no", "Something is off with this account, refusing")
                  },
                  missed: ["unusual-activity"], outcome: "escalated", stops: ["noUnusualSignInActivity"]),
        ],
        guardedByEngine: ["no-reset": "noUnusualSignInActivity refuses verification and the reset alike; only a senior's reopen lifts it"])

    static let urgencyPressure = ScenarioPlan(
        right: { a in a.refuse("pressure", "VP demands a reset now, refuses to verify, name-drops the CEO") },
        wrong: [
            .init(name: "gives in to the pressure and resets without refusing",
                  play: { caveAndReset($0) },
                  missed: ["pressure", "no-reset"], outcome: caveOutcome),
            .init(name: "refuses, but on the refusal dialog's first signal (cannot verify) rather than the pressure",
                  play: { a in a.refuse("cannot_verify", "He would not verify, so I cannot help him today") },
                  missed: ["pressure"], outcome: "escalated"),
        ])
}

/// A plan's own precondition failing (a step the runbook should have led to), reported at the plan.
func XCTFailInPlan(_ message: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTFail(message, file: file, line: line)
}

import Foundation
import Runbook
import XCTest
@testable import Engine

/// Gaps found by probing the procedure as a social engineer and as an insider would; each
/// attack next to the honest path that must still pass.
final class ProbingGapsTests: XCTestCase {
    // MARK: - 1. Call-back: the latest (re)addition, before today and old enough

    func testANumberRemovedAndReAddedTodayIsRefusedThoughItWasOnFileLongAgo() throws {
        let h = try CaseHarness()
        h.facts.phoneNumbers = [PhoneNumberOnFile(number: Subject.numberOnFile, addedAt: Date("2024-03-01T12:00:00Z")),
                                PhoneNumberOnFile(number: Subject.numberOnFile, addedAt: Date("2026-05-17T08:00:00Z"))]
        h.openCase()
        let refusal = assertRefused(h.submit("verify_identity", Evidence.callback()), .gate, failing: ["callbackNumberOnFileBeforeToday"])
        XCTAssertTrue(failureMessage(refusal, check: "callbackNumberOnFileBeforeToday")?.contains("added to the account today") ?? false)
    }

    func testANumberAddedLateYesterdayIsRefusedUntilItIsTheMinimumAgeAndTheMessageSaysHowOld() throws {
        let h = try CaseHarness()
        h.facts.phoneNumbers = [PhoneNumberOnFile(number: Subject.numberOnFile, addedAt: Date("2026-05-16T23:30:00Z"))]
        h.openCase()
        let refusal = assertRefused(h.submit("verify_identity", Evidence.callback()), .gate, failing: ["callbackNumberOnFileBeforeToday"])
        XCTAssertEqual(failureMessage(refusal, check: "callbackNumberOnFileBeforeToday"),
                       "+442079460958 was added to the account 10 h ago (2026-05-16): call a number on file for at least 24 h")
        // The honest path: the next day the same number has been on file long enough.
        h.advance(hours: 14)
        assertAccepted(h.submit("verify_identity", Evidence.callback()))
    }

    func testTheMinimumAgeIsARunbookSettingTheCheckerValidates() throws {
        XCTAssertEqual(try ShippedRunbook.load().settings.callbackMinimumAgeHours, 24)
        let text = try String(contentsOf: ShippedRunbook.mfaRecoveryURL, encoding: .utf8)
            .replacingOccurrences(of: "callbackMinimumAgeHours: 24", with: "callbackMinimumAgeHours: 0")
        guard case .invalid(let problems) = EngineVocabulary.load(text) else { return XCTFail("a minimum age of 0 was accepted") }
        XCTAssertTrue(problems.contains { $0.description.contains("callbackMinimumAgeHours") }, problems.map(\.description).joined(separator: "\n"))
    }

    // MARK: - 2. Phone numbers compared as E.164 with the organisation's country code

    func testNumbersTypedNationallyOrWithTheInternationalPrefixAreTheSameLine() {
        XCTAssertEqual(PhoneNumber.normalise("555-0199", defaultCountryCode: "1"), "+15550199")
        XCTAssertEqual(PhoneNumber.normalise("1 555 0199", defaultCountryCode: "1"), "+15550199")
        XCTAssertEqual(PhoneNumber.normalise("0015550199", defaultCountryCode: "1"), "+15550199")
        XCTAssertEqual(PhoneNumber.normalise("0015550199"), "+15550199", "00 is + without any configuration")
        XCTAssertEqual(PhoneNumber.normalise("020 7946 0958", defaultCountryCode: "44"), "+442079460958")
        XCTAssertEqual(PhoneNumber.normalise("+44 20 7946 0958", defaultCountryCode: "1"), "+442079460958")
        XCTAssertNil(PhoneNumber.normalise("5\u{0301}55 0199", defaultCountryCode: "1"), "a digit with a combining mark is not a digit")
        XCTAssertNil(PhoneNumber.normalise("٥٥٥٠١٩٩٠", defaultCountryCode: "1"), "Arabic-Indic digits are not ASCII digits")
        XCTAssertEqual(Organisation.countryCode("+44"), "44")
        XCTAssertNil(Organisation.countryCode("+0"))
    }

    func testTheCallersNumberTypedAnotherWayIsStillTheCallersNumber() throws {
        for given in ["555-0199", "1 555 0199", "0015550199"] {
            let h = try CaseHarness()
            h.organisation = Organisation(defaultCountryCode: "1", timeZone: .utc)
            h.facts.phoneNumbers = [PhoneNumberOnFile(number: "+15550199", addedAt: Date("2024-03-01T12:00:00Z"))]
            h.openCase()
            assertRefused(h.submit("verify_identity", Evidence.callback(number: "+1 555 0199", callerNumber: given)), .gate,
                          failing: ["callbackNumberNotCallerSupplied"], given)
        }
    }

    func testWithoutAConfiguredCountryCodeANationalNumberStillMatchesByItsDigits() throws {
        let h = try CaseHarness()
        h.facts.phoneNumbers = [PhoneNumberOnFile(number: "+15550199", addedAt: Date("2024-03-01T12:00:00Z"))]
        h.openCase()
        assertRefused(h.submit("verify_identity", Evidence.callback(number: "+15550199", callerNumber: "555-0199")), .gate,
                      failing: ["callbackNumberNotCallerSupplied"])
        // The honest path: the caller gave another number; the agent called the one on file.
        assertAccepted(h.submit("verify_identity", Evidence.callback(number: "+15550199", callerNumber: "+1 202 555 0147")))
    }

    func testANationallyTypedCallbackNumberMatchesTheNumberOnFileWithTheCountryCode() throws {
        let h = try CaseHarness()
        h.organisation = Organisation(defaultCountryCode: "+44", timeZone: .utc)
        h.openCase()
        assertAccepted(h.submit("verify_identity", Evidence.callback(number: "020 7946 0958")))
        XCTAssertEqual(h.currentState.value("callback_number", at: "verify_identity"), "+442079460958")
    }

    // MARK: - 3. A vouching ticket comes from the organisation's domains

    func testATicketOpenedFromAFreeMailAddressIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        let refusal = assertRefused(h.submit("verify_identity", Evidence.ticket(openedBy: "boss@gmail.com")), .gate,
                                    failing: ["ticketNotOpenedBySubject"])
        XCTAssertEqual(failureMessage(refusal, check: "ticketNotOpenedBySubject"),
                       "boss@gmail.com is not an address of the organisation (example.com): a manager or HR vouches from their work address")
        assertRefused(h.submit("verify_identity", Evidence.ticket(openedBy: "boss@example.com.evil.test")), .gate,
                      failing: ["ticketNotOpenedBySubject"])
        assertAccepted(h.submit("verify_identity", Evidence.ticket(openedBy: "maria.lopez@hr.example.com")))
    }

    func testWithoutConfiguredDomainsATicketFailsClosed() throws {
        let h = try CaseHarness()
        h.organisation = nil
        h.openCase()
        assertRefused(h.submit("verify_identity", Evidence.ticket()), .gate, failing: ["ticketNotOpenedBySubject"])
    }

    // MARK: - 13. A configured privileged account is privileged whatever the facts say

    func testAConfiguredPrivilegedAccountIsPrivilegedWhateverTheFactsSay() throws {
        let h = try CaseHarness()
        h.organisation = Organisation(domains: ["example.com"], timeZone: .utc, privilegedAccounts: [Subject.email.uppercased()])
        h.walkToRecoveryAction()
        assertRefused(h.submit("force_reset", h.actionValues("force_reset")), .gate, failing: ["privilegedResetApproved"])
        h.organisation = Organisation(domains: ["example.com"], timeZone: .utc)
        assertAccepted(h.submit("force_reset", h.actionValues("force_reset")))
    }

    // MARK: - 5. Every admin action on a privileged account needs an approval bound to the verification

    func testATemporaryPasswordAfterARestartedVerificationNeedsAFreshApproval() throws {
        let h = try CaseHarness(facts: Subject.facts(privileged: true), actor: Operators.carol)
        h.walkToRecoveryAction(situation: "email_too")
        assertAccepted(h.decide(.requestApproval(reason: "Tenant admin lost their phone and their mail")))
        assertAccepted(h.decide(.approve(reason: "Checked the video evidence and ticket"), as: Operators.bob))
        h.performAction("force_reset")
        XCTAssertEqual(h.currentState.currentStep, "set_temporary_password")
        assertAccepted(h.decide(.restartVerification(reason: "The caller dropped; verifying them again")))
        h.verify(Evidence.video(reference: "SUP-1260"))
        XCTAssertEqual(h.currentState.currentStep, "set_temporary_password")
        assertRefused(h.submit("set_temporary_password", h.actionValues("set_temporary_password")), .gate, failing: ["privilegedResetApproved"])
        // The honest path: a senior approves the new verification.
        assertAccepted(h.decide(.requestApproval(reason: "Verified again by video; temporary password next")))
        assertAccepted(h.decide(.approve(reason: "Checked the second video verification"), as: Operators.bob))
        assertAccepted(h.submit("set_temporary_password", h.actionValues("set_temporary_password")))
    }

    func testTheSeniorWhoVerifiedTheCallerCannotApprove() throws {
        let h = try CaseHarness(facts: Subject.facts(privileged: true))
        h.openCase()
        h.verify(as: Operators.bob)
        h.checkBackupCodes()
        h.chooseRecovery("device")
        assertAccepted(h.decide(.requestApproval(reason: "Tenant admin lost their phone")))
        assertRefused(h.decide(.approve(reason: "I verified them on video myself"), as: Operators.bob), .notPermitted,
                      messageContains: ["verified the caller"])
        assertAccepted(h.decide(.approve(reason: "Checked the video evidence and ticket"), as: Operators.carol))
        assertAccepted(h.submit("force_reset", h.actionValues("force_reset")))
    }

    // MARK: - 6. The incident path needs a senior on a closed case (IncidentTests)

    // MARK: - 7. Every admin action checks signals, unusual activity and suspension

    func testATemporaryPasswordIsRefusedOnASuspendedAccountOrWithUnusualActivity() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(situation: "email_too")
        h.performAction("force_reset")
        h.facts.user.suspended = true
        assertRefused(h.submit("set_temporary_password", h.actionValues("set_temporary_password")), .gate, failing: ["subjectNotSuspended"])
        h.facts.user.suspended = false
        for minutes in [1.0, 2, 3] {
            h.facts.signIns.append(Subject.failedSignIn(at: h.now.addingTimeInterval(-minutes * 60), from: "203.0.113.\(Int(minutes))"))
        }
        assertRefused(h.submit("set_temporary_password", h.actionValues("set_temporary_password")), .gate, failing: ["noUnusualSignInActivity"])
    }

    func testEveryAdminActionStepOfTheShippedRunbookNamesTheSameGates() throws {
        let runbook = try ShippedRunbook.load()
        let required: Set<String> = ["verificationFresh", "noRefusalSignals", "noUnusualSignInActivity", "subjectNotSuspended",
                                     "confirmationMatchesSubject", "reasonNamesVerification", "privilegedResetApproved",
                                     "federatedUserApproved"]
        // Every action on the account's credentials; suspending and notifying change none.
        for step in runbook.steps where step.action.flatMap({ PlatformAction(rawValue: $0.name) })?.changesCredentials == true {
            XCTAssertTrue(required.isSubset(of: Set(step.checks.map(\.name))), "\(step.id): missing \(required.subtracting(step.checks.map(\.name)).sorted())")
        }
    }

    // MARK: - 8. A federated user recovers through their federated identity

    func testAFederatedUserVerifiedByCallBackIsNotResetWithoutASeniorsApproval() throws {
        let h = try CaseHarness()
        h.facts.federatedLinks = [FederatedLink(provider: "google", linkedAt: Date("2025-06-01T00:00:00Z"))]
        h.walkToRecoveryAction(evidence: Evidence.callback())
        let refusal = assertRefused(h.submit("force_reset", h.actionValues("force_reset")), .gate, failing: ["federatedUserApproved"])
        XCTAssertTrue(failureMessage(refusal, check: "federatedUserApproved")?.contains("self-service") ?? false)
        // The honest path: a senior approves, with why self-service cannot work.
        assertAccepted(h.decide(.requestApproval(reason: "Their Google account is locked too, so federated self-service cannot work")))
        assertAccepted(h.decide(.approve(reason: "Confirmed with IT that the Google account is locked"), as: Operators.bob))
        assertAccepted(h.submit("force_reset", h.actionValues("force_reset")))
    }

    func testAUserWithoutAFederatedIdentityNeedsNoSuchApproval() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(evidence: Evidence.callback())
        XCTAssertFalse(h.evaluate("force_reset", h.actionValues("force_reset")).checklist.contains { $0.name == "federatedUserApproved" })
        assertAccepted(h.submit("force_reset", h.actionValues("force_reset")))
    }

    // MARK: - 9. No action carried out on an expired verification

    func testAnActionFailedAfterItsVerificationExpiredReturnsTheCaseToVerification() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        assertAccepted(h.submit("force_reset", h.actionValues("force_reset")))
        h.advance(hours: 2)
        XCTAssertNotNil(CaseEngine.verificationExpiry(state: h.currentState, context: h.context()))
        let key = try XCTUnwrap(h.currentState.pendingAction?.idempotencyKey)
        let failed = assertAccepted(h.decide(.failAction(idempotencyKey: key, error: "Not carried out: the verification expired")))
        XCTAssertEqual(failed.events.map(\.type), ["mfa.factor_admin_reset.failed", "verification.restarted"])
        XCTAssertEqual(h.currentState.currentStep, "verify_identity")
        h.verify(Evidence.video(reference: "SUP-1270"))
        XCTAssertEqual(h.currentState.currentStep, "force_reset", "verified again, back to the reset")
        h.assertReplayMatchesIncrementalState()
    }

    func testAnActionFailedWhileItsVerificationIsValidStaysAtItsStep() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        assertAccepted(h.submit("force_reset", h.actionValues("force_reset")))
        XCTAssertNil(CaseEngine.verificationExpiry(state: h.currentState, context: h.context()))
        let key = try XCTUnwrap(h.currentState.pendingAction?.idempotencyKey)
        let failed = assertAccepted(h.decide(.failAction(idempotencyKey: key, error: "The console showed an error")))
        XCTAssertEqual(failed.events.map(\.type), ["mfa.factor_admin_reset.failed"])
        XCTAssertEqual(h.currentState.currentStep, "force_reset")
    }

    // MARK: - 12. Every refused attempt is on the record

    func testEveryRefusedAttemptRecordsTheFailedChecksAndTheValuesTried() throws {
        let h = try CaseHarness()
        h.facts.phoneNumbers.append(PhoneNumberOnFile(number: "+44 7700 900123", addedAt: Date("2026-05-17T09:40:00Z")))
        h.openCase()
        assertRefused(h.submit("verify_identity", Evidence.callback(number: "+44 7700 900123")), .gate)
        assertRefused(h.submit("verify_identity", Evidence.callback(number: "+44 7700 900999")), .gate)
        let refusals = h.events.compactMap { event -> GateRefusal? in
            if case .gateRefused(let refusal) = event.body { return refusal }
            return nil
        }
        XCTAssertEqual(refusals.count, 2)
        XCTAssertEqual(refusals.map { $0.values["callback_number"] }, ["+44 7700 900123", "+44 7700 900999"], "the reviewer sees the retry")
        XCTAssertEqual(refusals.first?.failed.map(\.check), ["callbackNumberOnFileBeforeToday"])
        XCTAssertEqual(h.events.last?.type, "gate.refused")
        XCTAssertEqual(h.currentState.refusedAttempts, 2)
        h.assertReplayMatchesIncrementalState()
        // The honest path records only the verification.
        let decision = assertAccepted(h.submit("verify_identity", Evidence.callback()))
        XCTAssertEqual(decision.events.map(\.type), ["verification.recorded"])
    }

    /// Malformed input (here an invisible character) is bad input: answered, nothing recorded;
    /// and a value is never recorded with a control or invisible character in it.
    func testMalformedInputIsNotRecordedAndTriedValuesAreRecordedEscaped() throws {
        let h = try CaseHarness()
        h.openCase()
        var evidence = Evidence.video()
        evidence["reference"] = "SUP-12\u{202E}34"
        assertRefused(h.submit("verify_identity", evidence), .gate)
        XCTAssertEqual(h.eventTypes, ["case.opened"])
        XCTAssertEqual(GateRefusal.recorded("SUP-12\u{202E}34\u{1B}[2J"), "SUP-12\\u{202E}34\\u{1B}[2J")
        XCTAssertEqual(GateRefusal.recorded(String(repeating: "a", count: 600)).count, GateRefusal.valueLimit)
    }

    // MARK: - 14. One rule for every reason and note

    func testPlaceholdersAreRefusedAsReasonsAndNotesEverywhere() throws {
        let h = try CaseHarness(facts: Subject.facts(privileged: true))
        h.walkToRecoveryAction()
        for placeholder in ["n/a", "-", ".", "N/A!!", "test", "aaaaaaaaaaaaaaaaaaaa", "xxxxxxxxxxxxxxxxxxx"] {
            assertRefused(h.decide(.addNote(placeholder)), .invalid, placeholder)
            assertRefused(h.decide(.pause(reason: placeholder)), .invalid, placeholder)
            assertRefused(h.decide(.restartVerification(reason: placeholder)), .invalid, placeholder)
            assertRefused(h.decide(.requestApproval(reason: placeholder)), .invalid, placeholder)
        }
        assertRefused(h.decide(.pause(reason: "Call back")), .invalid, messageContains: ["too short"])
        assertRefused(h.decide(.addNote("Supercalifragilistic")), .invalid, messageContains: ["sentence"])
        assertAccepted(h.decide(.requestApproval(reason: "Tenant admin lost their phone")))
        assertRefused(h.decide(.approve(reason: "ok"), as: Operators.bob), .invalid)
        assertRefused(h.decide(.denyApproval(reason: "-"), as: Operators.bob), .invalid)
        // The honest path: sentences a reviewer can check.
        assertAccepted(h.decide(.addNote("Caller sounded hurried but answered consistently")))
        assertAccepted(h.decide(.approve(reason: "Checked the video evidence and ticket"), as: Operators.bob))
        assertAccepted(h.decide(.pause(reason: "Call dropped; the caller will ring back")))
    }

    func testTheRuleIsInOnePlace() {
        XCTAssertNotNil(ReasonRule.problem("n/a", minimum: 15))
        XCTAssertNotNil(ReasonRule.problem("...............", minimum: 15))
        XCTAssertNil(ReasonRule.problem("Lost device; identity verified via video call 2026-05-17, see SUP-1234", minimum: 15))
    }

    // MARK: - 15. Subjects are ASCII; invisible characters are refused in every field

    func testSubjectsThatDisplayAsAnotherAddressAreRefused() throws {
        for subject in ["sam.rivera\u{200D}@example.com", "sam.rive\u{0301}ra@example.com", "sam.rivera\u{3164}@example.com",
                        "s\u{0430}m.rivera@example.com", "sam.rivera@ex\u{00AD}ample.com", "sam.rivera\u{FE0F}@example.com"] {
            let h = try CaseHarness()
            assertRefused(h.open(subject: subject), .invalid, subject.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " "))
        }
        // The honest path: an international domain as its A-label.
        let h = try CaseHarness()
        assertAccepted(h.open(subject: "Sam@xn--bcher-kva.example"))
        XCTAssertEqual(h.currentState.subject, "sam@xn--bcher-kva.example")
    }

    func testInvisibleCharactersAreRefusedInEveryKindOfField() {
        for kind in Field.Kind.allCases {
            let field = Field(id: "f", label: "F", kind: kind, options: [ChoiceOption(value: "a\u{2060}b", label: "x")])
            guard case .failure(.invalid(let message)) = FieldValidator.normalise("a\u{2060}b", for: field) else {
                return XCTFail("\(kind) accepted a word joiner")
            }
            XCTAssertTrue(message.contains("invisible"), "\(kind): \(message)")
        }
    }

    // MARK: - 20. A step the case has not reached is a refusal naming the current step

    func testFollowUpOnAFreshCaseNamesTheCurrentStep() throws {
        let h = try CaseHarness()
        h.openCase()
        let refusal = assertRefused(h.submit("follow_up", ["message": "done, in the audit log", "sent": "yes"]), .gate)
        XCTAssertTrue(refusal?.message.contains("The case is at \"verify_identity\" (Verify identity out-of-band)") ?? false, refusal?.message ?? "")
    }

    // MARK: - 16. The sign-in that enrolled the new factor: an address never seen goes to a senior first

    /// Reset done; the user (or whoever got the reset) enrols a factor from `address`.
    private func resetThenEnrolledFrom(_ address: String?, seenBefore: Bool? = nil) throws -> CaseHarness {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        h.performAction("force_reset")
        h.advance(minutes: 10)
        h.facts.factors.append(EnrolledFactor(kind: "totp", label: "Attacker phone", enrolledAt: h.now, enrolledFrom: address,
                                              enrolledFromSeenBefore: seenBefore))
        return h
    }

    func testAFactorEnrolledFromAnAddressNeverSeenIsRecordedSignalledAndHeldForASenior() throws {
        let h = try resetThenEnrolledFrom("203.0.113.99")
        // Its own sign-in, after the reset, does not make the address familiar.
        h.facts.signIns.append(SignInAttempt(at: h.now.addingTimeInterval(-30), address: "203.0.113.99", succeeded: true))
        let decision = assertAccepted(h.decide(.observeEnrolment))
        XCTAssertEqual(decision.events.map(\.type), ["mfa.factor_enrolled", "signal.raised", "case.escalated"])
        XCTAssertEqual(decision.events[0].payload["factor"]?.objectValue?["from"], .string("203.0.113.99"))
        XCTAssertEqual(decision.events[1].payload["signal"], .string("unfamiliar_enrolment"))
        XCTAssertEqual(decision.events[1].reason,
                       "totp \"Attacker phone\" was enrolled from 203.0.113.99, an address never seen for this user in the 30 days before the reset: "
                       + "a senior admin reviews it before the follow-up")
        XCTAssertEqual(h.currentState.status, .escalated)
        XCTAssertEqual(h.currentState.currentStep, "follow_up")
        // The agent cannot send the all-clear notice past it, nor reopen it.
        assertRefused(h.submit("follow_up", h.prefill("follow_up")), .invalid, messageContains: ["escalated"])
        assertRefused(h.decide(.review(.reopen, reason: "Looks fine to me, the user is in a hurry")), .notPermitted)
        // The senior upholds: the case closes refused, and an incident can be declared on it.
        assertAccepted(h.decide(.review(.uphold, reason: "Enrolled from an address the user never used; treat as takeover"), as: Operators.bob))
        XCTAssertEqual(h.currentState.outcome, "refused")
        assertAccepted(h.decide(.declareIncident(reason: "The reset went to an attacker who enrolled from 203.0.113.99"), as: Operators.bob))
        h.assertReplayMatchesIncrementalState()
    }

    func testASeniorWhoClearsTheUnfamiliarEnrolmentLetsTheFollowUpGoOut() throws {
        let h = try resetThenEnrolledFrom("203.0.113.99")
        assertAccepted(h.decide(.observeEnrolment))
        assertAccepted(h.decide(.review(.reopen, reason: "Called the user back on file: new home router, confirmed"), as: Operators.bob))
        XCTAssertEqual(h.currentState.status, .open)
        h.sendFollowUp()
        XCTAssertEqual(h.currentState.outcome, "resolved")
    }

    func testAPlatformThatDoesNotSayWhereTheFactorWasEnrolledFromFailsClosed() throws {
        let h = try resetThenEnrolledFrom(nil)
        let decision = assertAccepted(h.decide(.observeEnrolment))
        XCTAssertEqual(decision.events.map(\.type), ["mfa.factor_enrolled", "signal.raised", "case.escalated"])
        XCTAssertTrue(decision.events[1].reason?.contains("does not say which sign-in enrolled") ?? false, decision.events[1].reason ?? "")
    }

    func testTheOperatorsReadingOfTheSignInLogDecidesOnATypedPlatform() throws {
        // Typed "new" wins even where the Engine's own reading of the log would say familiar.
        let typedNew = try resetThenEnrolledFrom(Subject.familiarAddress, seenBefore: false)
        XCTAssertEqual(assertAccepted(typedNew.decide(.observeEnrolment)).events.map(\.type), ["mfa.factor_enrolled", "signal.raised", "case.escalated"])
        let typedSeen = try resetThenEnrolledFrom("192.0.2.10", seenBefore: true)
        XCTAssertEqual(assertAccepted(typedSeen.decide(.observeEnrolment)).events.map(\.type), ["mfa.factor_enrolled"])
    }

    func testAFactorEnrolledFromTheUsersUsualAddressGoesStraightToTheFollowUp() throws {
        let h = try resetThenEnrolledFrom(Subject.familiarAddress)
        let decision = assertAccepted(h.decide(.observeEnrolment))
        XCTAssertEqual(decision.events.map(\.type), ["mfa.factor_enrolled"])
        XCTAssertEqual(h.currentState.status, .open)
        XCTAssertEqual(h.currentState.currentStep, "follow_up")
        XCTAssertTrue(h.currentState.signals.isEmpty)
    }

    func testTheEscalatingGateIsARunbookDeclarationTheCheckerValidates() throws {
        let text = try String(contentsOf: ShippedRunbook.mfaRecoveryURL, encoding: .utf8)
        for (broken, expected) in [("escalate: \"unfamiliar_enrolment\"", "escalate: \"pressure\""),
                                   ("escalate: \"unfamiliar_enrolment\"", "escalate: \"no_such_signal\"")] {
            guard case .invalid(let problems) = EngineVocabulary.load(text.replacingOccurrences(of: broken, with: expected)) else {
                return XCTFail("\(expected) was accepted")
            }
            XCTAssertTrue(problems.contains { $0.description.contains("is not a refusal signal with source \"platform\"") }, "\(problems)")
        }
    }

    // MARK: - 18. Platform text is cleaned on the way in; a pre-filled text passes its own validation

    func testAHostileDisplayNameNeverMakesThePrefilledFollowUpRefuseItself() throws {
        let h = try CaseHarness()
        h.facts.user.displayName = "Eve\u{202E}gnp.exe\u{0007}"
        h.walkToRecoveryAction()
        h.performAction("force_reset")
        h.advance(minutes: 5)
        h.facts.factors.append(EnrolledFactor(kind: "totp", label: "Pixel\u{200B} 9\u{1B}[31m", enrolledAt: h.now,
                                              enrolledFrom: Subject.familiarAddress))
        assertAccepted(h.decide(.observeEnrolment))
        let message = try XCTUnwrap(h.prefill("follow_up")["message"])
        XCTAssertFalse(message.unicodeScalars.contains { FieldValidator.isForbiddenControl($0, allowNewlines: true) }, message)
        XCTAssertTrue(message.contains("Hello Eve\u{FFFD}gnp.exe\u{FFFD}"), message)
        h.sendFollowUp()
        XCTAssertEqual(h.currentState.outcome, "resolved")
    }

    func testPlatformFactsAreCleanedByOneFunction() {
        var facts = Subject.facts()
        facts.user.displayName = "Eve\u{202E}gnp.exe\u{0007}"
        facts.factors = [EnrolledFactor(kind: "totp", label: "a\u{2066}b\u{FEFF}", enrolledAt: Date("2026-05-17T10:00:00Z"), enrolledFrom: "1.2.3.4\u{0}")]
        facts.signIns = [SignInAttempt(at: Date("2026-05-17T10:00:00Z"), address: "203.0.113.9\u{202E}", succeeded: true)]
        facts.notificationAddresses = ["sam@example.com\u{200D}"]
        let clean = facts.cleaned()
        XCTAssertEqual(clean.user.displayName, "Eve\u{FFFD}gnp.exe\u{FFFD}")
        XCTAssertEqual(clean.factors[0].label, "a\u{FFFD}b\u{FFFD}")
        XCTAssertEqual(clean.factors[0].enrolledFrom, "1.2.3.4\u{FFFD}")
        XCTAssertEqual(clean.signIns[0].address, "203.0.113.9\u{FFFD}")
        XCTAssertEqual(clean.notificationAddresses, ["sam@example.com\u{FFFD}"])
        XCTAssertEqual(PlatformText.clean(String(repeating: "x", count: 5000)).count, PlatformText.maximumLength)
        // Ordinary names pass unchanged.
        XCTAssertEqual(PlatformText.clean("Zoë O'Brien-Łukasz 李"), "Zoë O'Brien-Łukasz 李")
    }
}

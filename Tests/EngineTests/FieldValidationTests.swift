import XCTest
import Runbook
import Engine

/// What an operator types is validated and normalised by the field's type before any gate
/// sees it, and nothing that could drive a terminal (control characters, escape sequences)
/// gets into a case, an event or the audit log.
final class FieldValidationTests: XCTestCase {
    private func field(_ kind: Field.Kind, maxLength: Int? = nil) -> Field {
        Field(id: "f", label: "F", kind: kind, maxLength: maxLength)
    }

    private func normalised(_ raw: String, _ kind: Field.Kind) -> String? {
        try? FieldValidator.normalise(raw, for: field(kind)).get()
    }

    private func problem(_ raw: String, _ field: Field) -> String? {
        if case .failure(.invalid(let message)) = FieldValidator.normalise(raw, for: field) { return message }
        return nil
    }

    // MARK: - Phone numbers

    func testPhoneNumbersAreNormalisedToDigitsWithTheirPlus() {
        XCTAssertEqual(PhoneNumber.normalise("+44 20 7946 0958"), "+442079460958")
        XCTAssertEqual(PhoneNumber.normalise("+44-20-7946-0958"), "+442079460958")
        XCTAssertEqual(PhoneNumber.normalise("+44 (20) 7946.0958"), "+442079460958")
        XCTAssertEqual(PhoneNumber.normalise("(020) 7946 0958"), "02079460958")
        XCTAssertEqual(normalised("  +1 202-555-0147 ", .phone), "+12025550147")
    }

    func testPhoneNumbersThatAreNotNumbersAreRefused() {
        XCTAssertNil(PhoneNumber.normalise("12345"), "too short")
        XCTAssertNil(PhoneNumber.normalise("+1234567890123456"), "16 digits is too long")
        XCTAssertNil(PhoneNumber.normalise("44+20 7946 0958"), "a plus only at the start")
        XCTAssertNil(PhoneNumber.normalise("+44 20 7946 0958 ext 2"))
        XCTAssertNil(PhoneNumber.normalise("+44 20 ７９４６ 0958"), "full-width digits are not ASCII digits")
        XCTAssertEqual(problem("call me", field(.phone)), "must be a phone number of 7 to 15 digits (0-9), optionally starting with + or 00")
    }

    func testTheSameLineTypedTwoWaysIsOneNumberButALocalAndAnInternationalFormAreNot() {
        XCTAssertTrue(PhoneNumber.same("+44 20 7946 0958", "+442079460958"))
        XCTAssertFalse(PhoneNumber.same("020 7946 0958", "+44 20 7946 0958"))
        XCTAssertFalse(PhoneNumber.same("not a number", "not a number"))
    }

    // MARK: - Dates

    func testValidDatesAreAccepted() {
        XCTAssertEqual(normalised("2026-05-17", .date), "2026-05-17")
        XCTAssertEqual(normalised("2028-02-29", .date), "2028-02-29", "2028 is a leap year")
        XCTAssertEqual(normalised("2000-02-29", .date), "2000-02-29", "2000 is a leap year")
    }

    func testImpossibleOrAmbiguousDatesAreRefused() {
        let expected = "must be a date written YYYY-MM-DD, e.g. 2026-05-17"
        for raw in ["2026-02-30", "2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-05-00",
                    "2026-5-17", "17/05/2026", "2026-05-17T10:00", "２０２６-05-17"] {
            XCTAssertEqual(problem(raw, field(.date)), expected, raw)
        }
        XCTAssertNil(CalendarDay(parsing: "2026-02-30"))
    }

    // MARK: - Ticket references

    func testTicketReferencesInBothFormsAreAccepted() {
        for raw in ["#1234", "SUP-1234", "sup-1", "HR-5521", "INC2-77", "#1", "SUP-T1", "INC0012345", "RITM0012345", "#12345", "ABC-123"] {
            XCTAssertEqual(normalised(raw, .ticket), raw, raw)
        }
    }

    func testAConfiguredTicketPatternDecidesWhatIsAReference() throws {
        let pattern = try TicketPattern("HD[0-9]{6}")
        let field = field(.ticket)
        XCTAssertEqual(try FieldValidator.normalise("HD004211", for: field, ticketPattern: pattern).get(), "HD004211")
        // Anchored: the pattern must match the whole reference, not a part of it.
        for raw in ["SUP-1234", "HD004211; DROP TABLE", "xHD004211"] {
            guard case .failure(.invalid(let message)) = FieldValidator.normalise(raw, for: field, ticketPattern: pattern) else {
                return XCTFail("\(raw) accepted")
            }
            XCTAssertEqual(message, "must be a ticket reference as this organisation writes them (its ticketPattern is HD[0-9]{6})")
        }
    }

    /// The default pattern is matched by hand (no regular expression compiled at start-up); this
    /// holds the hand-written matcher to what ICU makes of the same pattern, on every reference
    /// of up to 5 characters over the characters that matter and on 20,000 random longer ones
    /// around each alternative's limits.
    func testTheHandWrittenDefaultMatcherAgreesWithTheCompiledDefaultPattern() throws {
        let compiled = try TicketPattern.compiledDefault()
        let standard = TicketPattern.standard
        XCTAssertEqual(standard, compiled)
        let alphabet: [Character] = ["#", "-", "a", "Z", "0", "9", " ", "é", "_"]
        var references: [String] = [""]
        var frontier: [String] = [""]
        for _ in 1...5 {
            frontier = frontier.flatMap { prefix in alphabet.map { prefix + String($0) } }
            references += frontier
        }
        var random = SystemRandomNumberGenerator()
        let pieces = ["#", "-", "SUP", "INC", "RITM", "a", "Z", "0", "12", "1234", "00012345", "999999999999", "x", "ABCDEFGHIJKLMNOPQ", "ü", "\u{200B}"]
        for _ in 0..<20_000 {
            references.append((0..<Int.random(in: 1...6, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined())
        }
        var disagreements: [String] = []
        for reference in references where standard.matches(reference) != compiled.matches(reference) {
            disagreements.append(reference)
        }
        XCTAssertEqual(disagreements.prefix(10), [], "\(disagreements.count) of \(references.count) references read differently")
        // The limits of each alternative, both sides.
        for (reference, expected) in [("#123456789012", true), ("#1234567890123", false), ("A123456789012345-ABC123456789012", true),
                                      ("A1234567890123456-1", false), ("AB-ABCD1", false), ("AB-1234567890123", false),
                                      ("ABCDEFGH123456789012", true), ("ABCDEFGHI1234", false), ("AB123", false), ("A1234", false)] {
            XCTAssertEqual(standard.matches(reference), expected, reference)
            XCTAssertEqual(compiled.matches(reference), expected, reference)
        }
    }

    func testATicketPatternThatCannotBeUsedIsRefusedWithItsReason() {
        XCTAssertThrowsError(try TicketPattern("SUP-([0-9]+")) { XCTAssertTrue("\($0)".contains("is not a regular expression"), "\($0)") }
        XCTAssertThrowsError(try TicketPattern("[A-Z]*")) { XCTAssertTrue("\($0)".contains("matches an empty reference"), "\($0)") }
        XCTAssertThrowsError(try TicketPattern(""))
    }

    func testThingsThatAreNotTicketReferencesAreRefused() {
        for raw in ["1234", "#", "#12a", "#12345678901234", "SUP-", "-1234", "SUP 1234", "SUP-12-34", "2SUP-12",
                    "the one from Maria", "SUP-1234; DROP TABLE"] {
            XCTAssertEqual(problem(raw, field(.ticket)), "must be a ticket reference such as SUP-1234, INC0012345 or #1234", raw)
        }
    }

    // MARK: - Emails

    func testEmailsAreLowerCased() {
        XCTAssertEqual(normalised("Sam.Rivera@Example.COM", .email), "sam.rivera@example.com")
    }

    func testThingsThatAreNotEmailsAreRefused() {
        for raw in ["sam", "sam@", "@example.com", "sam@example", "sam@example.", "sam rivera@example.com", "sam@@example.com",
                    "a@b@example.com", "sam@exa mple.com"] {
            XCTAssertEqual(problem(raw, field(.email)), "must be an email address", raw)
        }
    }

    // MARK: - Choices and yes/no

    func testYesNoAcceptsCommonSpellingsAndRefusesOthers() {
        XCTAssertEqual(normalised("Y", .yesno), "yes")
        XCTAssertEqual(normalised("true", .yesno), "yes")
        XCTAssertEqual(normalised("No", .yesno), "no")
        XCTAssertEqual(problem("sure", field(.yesno)), "must be yes or no")
    }

    // MARK: - Control characters and escape sequences

    /// Every field of every step of the shipped runbook refuses an ANSI escape sequence,
    /// whatever its type, with a message that names the character.
    func testAnEscapeSequenceInAnyFieldOfTheRunbookIsRefused() throws {
        let runbook = try ShippedRunbook.load()
        var checked = 0
        for step in runbook.steps {
            for field in step.fields {
                XCTAssertEqual(problem("SUP-1234\u{1B}[2J", field), "contains the control character U+001B; type plain text",
                               "\(step.id).\(field.id)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 20)
    }

    func testWindowsLineEndingsInFreeTextAreOneLineBreak() {
        XCTAssertEqual(try FieldValidator.normalise("line one\r\nline two", for: field(.text)).get(), "line one\nline two")
    }

    func testOtherControlAndInvisibleFormattingCharactersAreRefused() {
        let text = field(.text)
        XCTAssertEqual(problem("reason\u{9B}31m", text), "contains the control character U+009B; type plain text", "C1 CSI")
        XCTAssertEqual(problem("reason\u{0}", text), "contains the control character U+0000; type plain text")
        XCTAssertEqual(problem("reason\u{7F}", text), "contains the control character U+007F; type plain text")
        XCTAssertEqual(problem("line one\rline two", text), "contains the control character U+000D; type plain text",
                       "a lone CR rewrites the line it is printed on")
        XCTAssertEqual(problem("sam\u{202E}moc.elpmaxe", text), "contains the invisible character U+202E; type plain text",
                       "a right-to-left override disguises what is shown")
        XCTAssertEqual(problem("SUP-12\u{200B}34", field(.ticket)), "contains the invisible character U+200B; type plain text")
        XCTAssertEqual(problem("line one\nline two", field(.email)), "contains the control character U+000A; type plain text",
                       "newlines only in free text")
    }

    /// Joined emoji carry a zero-width joiner, a default-ignorable character: like every
    /// invisible character it is refused in every field (it hides inside addresses and names).
    func testNewlinesAndTabsAreAllowedInFreeTextAndJoinersAreNot() {
        XCTAssertEqual(normalised("line one\n\tline two", .text), "line one\n\tline two")
        XCTAssertEqual(normalised("thanks 💻", .text), "thanks 💻")
        XCTAssertEqual(problem("thanks 👩\u{200D}💻", field(.text)), "contains the invisible character U+200D; type plain text")
    }

    func testAControlCharacterInAResetReasonIsRefusedByTheGate() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        var values = h.actionValues("force_reset")
        values["reason"] = (values["reason"] ?? "") + "\u{1B}]0;pwned\u{7}"
        let refusal = assertRefused(h.submit("force_reset", values), .gate, failing: ["field.reason", "reasonNamesVerification"])
        XCTAssertEqual(failureMessage(refusal, check: "field.reason"), "contains the control character U+001B; type plain text")
        XCTAssertFalse(h.events.contains { ($0.reason ?? "").contains("\u{1B}") })
    }

    func testAControlCharacterInVerificationEvidenceIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        let refusal = assertRefused(h.submit("verify_identity", Evidence.video(reference: "SUP-1234\u{1B}[8m")), .gate,
                                    failing: ["field.reference"])
        XCTAssertEqual(failureMessage(refusal, check: "field.reference"), "contains the control character U+001B; type plain text")
    }

    func testAControlCharacterInACommandsReasonIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        assertRefused(h.decide(.raiseSignal(signal: "pressure", reason: "Caller was shouting \u{1B}[5m urgently")), .invalid,
                      messageContains: ["The reason contains the control character U+001B"])
        assertRefused(h.decide(.addNote("note with a bell\u{7}")), .invalid, messageContains: ["The note contains the control character U+0007"])
        assertRefused(h.decide(.refuse(signal: "pressure", reason: "Refused \u{9B}2J because of pressure")), .invalid,
                      messageContains: ["U+009B"])
        XCTAssertEqual(h.eventTypes, ["case.opened"])
    }

    func testAControlCharacterInTheSubjectIsRefused() throws {
        let h = try CaseHarness()
        assertRefused(h.open(subject: "sam.rivera@example.com\u{1B}[0m"), .invalid)
    }

    // MARK: - Length

    func testA10000CharacterResetReasonIsRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        var values = h.actionValues("force_reset")
        values["reason"] = (values["reason"] ?? "") + " " + String(repeating: "x", count: 10_000 - (values["reason"]?.count ?? 0) - 1)
        XCTAssertEqual(values["reason"]?.count, 10_000)
        let refusal = assertRefused(h.submit("force_reset", values), .gate, failing: ["field.reason", "reasonNamesVerification"])
        XCTAssertEqual(failureMessage(refusal, check: "field.reason"), "is 10000 characters long; at most 500 are allowed")
    }

    func testA10000CharacterRefusalReasonOrNoteIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        let long = String(repeating: "pressure ", count: 1_112).prefix(10_000)
        XCTAssertEqual(long.count, 10_000)
        assertRefused(h.decide(.refuse(signal: "pressure", reason: String(long))), .invalid,
                      messageContains: ["The reason is 10000 characters long; at most 2000 are allowed"])
        assertRefused(h.decide(.addNote(String(long))), .invalid, messageContains: ["The note is 10000 characters long; at most 4000 are allowed"])
        XCTAssertEqual(h.currentState.status, .open)
    }

    func testTextAtItsLimitIsAcceptedAndOneMoreIsRefused() {
        let limited = field(.text, maxLength: 500)
        XCTAssertEqual(try? FieldValidator.normalise(String(repeating: "a", count: 500), for: limited).get().count, 500)
        XCTAssertEqual(problem(String(repeating: "a", count: 501), limited), "is 501 characters long; at most 500 are allowed")
        XCTAssertEqual(problem(String(repeating: "a", count: 2001), field(.text)), "is 2001 characters long; at most 2000 are allowed",
                       "the default limit")
    }

    /// One user-perceived character can carry any number of combining marks. The limit bounds
    /// what is stored and drawn, so it counts what is stored, not what a glyph looks like.
    func testTenThousandCombiningMarksOnOneLetterAreRefused() {
        let zalgo = "a" + String(repeating: "\u{301}", count: 10_000)
        XCTAssertEqual(zalgo.count, 1, "one Character to Swift")
        XCTAssertEqual(problem(zalgo, field(.text, maxLength: 500)), "is 10001 characters long; at most 500 are allowed")
    }

    func testAResetReasonPaddedWithTenThousandCombiningMarksIsRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        var values = h.actionValues("force_reset")
        values["reason"] = (values["reason"] ?? "") + " o" + String(repeating: "\u{336}", count: 10_000)
        let refusal = assertRefused(h.submit("force_reset", values), .gate, failing: ["field.reason", "reasonNamesVerification"])
        XCTAssertEqual(failureMessage(refusal, check: "field.reason"), "is 10072 characters long; at most 500 are allowed")
        XCTAssertFalse(h.eventTypes.contains("mfa.factor_admin_reset.requested"))
    }

    func testBlankValuesAreMissingNotInvalid() {
        XCTAssertEqual(FieldValidator.normalise("   \n ", for: field(.text)), .failure(.missing))
    }
}

import Engine
import Foundation
import Runbook
import XCTest

/// The loader beyond the one-defect fixtures: what a valid runbook decodes to, several problems
/// reported in one run, and problems that must not drag false ones along with them.
final class RunbookLoaderTests: XCTestCase {
    func testTheShippedRunbookIsValid() throws {
        let text = try String(contentsOf: JSON5ParserTests.runbooksDirectory.appendingPathComponent("mfa-recovery.json5"), encoding: .utf8)
        let runbook = try load(text)
        XCTAssertEqual(runbook.id, "mfa-recovery")
        XCTAssertEqual(runbook.start, "verify_identity")
        XCTAssertEqual(runbook.incidentEntry, "incident_suspend")
        XCTAssertEqual(runbook.step("force_reset")?.action?.event, "mfa.factor_admin_reset")
        XCTAssertEqual(runbook.step("set_temporary_password")?.action?.event, "user.password_set_by_admin")
        XCTAssertEqual(runbook.step("await_enrolment")?.awaits, "mfa.factor_enrolled")
    }

    func testTheMinimalFixtureDecodesToTheModel() throws {
        let runbook = try load(try String(contentsOf: BrokenFixtureTests.fixturesDirectory.appendingPathComponent("valid/minimal.json5"),
                                          encoding: .utf8))
        XCTAssertEqual(runbook.steps.map(\.id), ["verify", "self_service", "reset", "await_enrolment", "closed"])
        XCTAssertEqual(runbook.settings.verificationValidityMinutes, 15)
        XCTAssertEqual(runbook.settings.enrolmentDeadlineHours, 24, "unset settings keep their defaults")
        XCTAssertEqual(runbook.refusalSignals, [RefusalSignal(id: "pressure", label: "Caller is pressing", guidance: "", source: .operator)])

        let verify = try XCTUnwrap(runbook.step("verify"))
        XCTAssertEqual(verify.fields.map(\.kind), [.choice, .ticket])
        XCTAssertEqual(verify.field("method")?.option("email_match")?.acceptable, false)
        XCTAssertEqual(verify.field("method")?.option("video")?.reasonTerm, "video call")
        XCTAssertEqual(verify.field("reference")?.when, .field("method", .equals(.string("video"))))
        XCTAssertEqual(verify.checks, [CheckReference(name: "verificationMethodAcceptable", onRefusal: "verification.rejected"),
                                       CheckReference(name: "noRefusalSignals")])
        XCTAssertEqual(verify.transitions, [Transition(to: "self_service", when: .fact("backupCodesRemaining", .greaterThan(0))),
                                            Transition(to: "reset")])
        XCTAssertEqual(verify.completionEvent, "step.completed")

        let reset = try XCTUnwrap(runbook.step("reset"))
        XCTAssertTrue(reset.dangerous)
        XCTAssertEqual(reset.reasonField, "reason")
        XCTAssertEqual(reset.field("confirm_email")?.confirmsSubject, true)
        XCTAssertEqual(reset.field("reason")?.prefill, "reason")
        XCTAssertEqual(reset.completionEvent, "mfa.factor_admin_reset")
        XCTAssertEqual(runbook.step("closed")?.outcome, "resolved")
    }

    func testEveryProblemIsReportedInOneRunSortedByLocation() {
        let text = """
        {
          id: "many", version: 0, title: "Many problems", start: "first",
          templates: { reason: "{{nope}}", followUp: "ok" },
          steps: [
            { id: "first", title: "First", checks: ["noSuchCheck"], transitions: [ { to: "nowhere" } ] },
            { id: "lonely", title: "Lonely", terminal: true },
          ],
        }
        """
        let problems = loadProblems(text)
        XCTAssertEqual(problems.map(\.kind), [.invalidValue, .missingKey])
        XCTAssertEqual(problems.map { $0.formatted(file: "many.json5") }, [
            #"many.json5:2:24: $.version: "version" must be at least 1"#,
            #"many.json5:6:5: $.steps[1]: a terminal step needs "outcome""#,
        ], "a runbook whose header cannot be read is not checked as a graph: its steps might mean anything")

        let graph = loadProblems(text.replacingOccurrences(of: "version: 0", with: "version: 1")
            .replacingOccurrences(of: "terminal: true", with: "terminal: true, outcome: \"x\""))
        XCTAssertEqual(graph.map { $0.formatted(file: "many.json5") }, [
            #"many.json5:3:24: $.templates.reason: unknown template variable {{nope}}; known: case.actionsDone, case.enrolmentSentence, case.id, case.openedDate, operator.login, subject.email, subject.name, verification.date, verification.method, verification.reference"#,
            #"many.json5:5:45: $.steps[0].checks[0]: unknown check "noSuchCheck""#,
            #"many.json5:5:82: $.steps[0].transitions[0].to: transition names unknown step "nowhere""#,
            #"many.json5:6:5: $.steps[1]: step "lonely" is unreachable: no path from the start leads to it"#,
        ])
    }

    /// Duplicates are located from the document: an element that failed to decode before them
    /// does not shift the index, and each further copy is reported at its own line.
    func testDuplicateIDsAreReportedAtEachLaterCopy() {
        let text = """
        {
          id: "dups", version: 1, title: "Duplicates", start: "a",
          templates: { reason: "r", followUp: "f" },
          steps: [
            "not a step",
            { id: "a", title: "A", transitions: [ { to: "end" } ] },
            { id: "a", title: "A again", transitions: [ { to: "end" } ] },
            { id: "a", title: "A once more", transitions: [ { to: "end" } ] },
            { id: "end", title: "End", terminal: true, outcome: "done" },
          ],
        }
        """
        XCTAssertEqual(loadProblems(text).map { $0.formatted(file: "f") }, [
            "f:5:5: $.steps[0]: expected an object, found a string",
            #"f:7:11: $.steps[2].id: duplicate step id "a""#,
            #"f:8:11: $.steps[3].id: duplicate step id "a""#,
        ])
    }

    /// A step or field with a defect of its own is still known by its id, so references to it are not
    /// also reported as unknown.
    func testADefectiveStepOrFieldIsStillKnownByItsID() {
        let text = """
        {
          id: "kept", version: 1, title: "Kept", start: "a",
          templates: { reason: "r", followUp: "f" },
          steps: [
            { id: "a", title: "A", reasonField: "why",
              fields: [ { id: "why", type: "essay", mustConfirm: true }, { id: "n", label: "N", type: "text", when: { field: "why", present: true } } ],
              transitions: [ { to: "b" } ] },
            { id: "b", transitions: [ { to: "end" } ] },
            { id: "end", title: "End", terminal: true, outcome: "done" },
          ],
        }
        """
        XCTAssertEqual(loadProblems(text).map { $0.formatted(file: "f") }, [
            #"f:6:17: $.steps[0].fields[0]: missing required key "label""#,
            #"f:6:36: $.steps[0].fields[0].type: unknown field type "essay"; expected one of: text, choice, yesno, date, phone, ticket, email"#,
            #"f:8:5: $.steps[1]: missing required key "title""#,
        ])
    }

    func testAFallbackBeforeAConditionalTransitionIsOneProblemNotTwo() {
        let text = """
        {
          id: "order", version: 1, title: "Order", start: "a",
          templates: { reason: "r", followUp: "f" },
          steps: [
            { id: "a", title: "A", transitions: [ { to: "end" }, { to: "b", when: { fact: "privileged", equals: true } } ] },
            { id: "b", title: "B", transitions: [ { to: "end", when: { fact: "privileged", equals: true } } ] },
            { id: "end", title: "End", terminal: true, outcome: "done" },
          ],
        }
        """
        XCTAssertEqual(loadProblems(text).map { $0.formatted(file: "f") }, [
            #"f:5:43: $.steps[0].transitions[0]: a transition without "when" is the fallback and must be last; the transitions after it can never be taken"#,
            #"f:6:41: $.steps[1].transitions: step "b" has no fallback transition: when no condition holds the case would be stuck"#,
        ])
    }

    // MARK: - Helpers

    private func load(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> Runbook {
        switch EngineVocabulary.load(text) {
        case .valid(let runbook): return runbook
        case .invalid(let problems):
            XCTFail("expected a valid runbook: \(problems.map(\.description))", file: file, line: line)
            throw CancellationError()
        }
    }

    private func loadProblems(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [RunbookProblem] {
        switch EngineVocabulary.load(text) {
        case .valid:
            XCTFail("expected problems", file: file, line: line)
            return []
        case .invalid(let problems): return problems
        }
    }
}

import Engine
import Foundation
import Runbook
import Training
import XCTest

/// A broken scenario is reported, not half-loaded: every problem with its JSON path and
/// line:column, by the loader and by `handrail train check` (exit 3); the shipped scenarios all
/// check clean (exit 0).
final class ScenarioValidationTests: XCTestCase {
    /// Each broken fixture and exactly the problems it must be reported with, as
    /// `handrail train check` prints them (`FILE:LINE:COLUMN: PATH: MESSAGE`).
    static let expectedProblems: [String: [String]] = [
        "unknown_check_in_gate_refused.json5": [
            #"unknown_check_in_gate_refused.json5:12:87: $.expected.moments[0].gateRefused: unknown check "callbackNumberAddedBeforeToday""#,
        ],
        "unknown_signal.json5": [
            #"unknown_signal.json5:16:28: $.expected.moments[1].refusedWithSignal: unknown refusal signal "too_pushy""#,
        ],
        "moment_with_two_rules.json5": [
            "moment_with_two_rules.json5:13:7: $.expected.moments[1]: a moment needs exactly one rule of: "
                + "eventRecorded, eventNeverRecorded, refusedWithSignal, verifiedBy, gateRefused",
        ],
        "missing_key.json5": [
            #"missing_key.json5:2:1: $: missing required key "debrief""#,
            #"missing_key.json5:7:12: $.subject: missing required key "email""#,
        ],
        "bad_kind.json5": [
            "bad_kind.json5:5:9: $.kind: kind is honest or malicious",
        ],
        "bad_user_side_action.json5": [
            "bad_user_side_action.json5:11:48: $.userSide[1].action: action is enrol, signin or approve",
        ],
        "syntax_error.json5": [
            "syntax_error.json5:5:3: $: syntax error: expected ',' or '}' after a member, found 'k'",
        ],
    ]

    func testEveryBrokenFixtureIsReportedWithPathAndLineColumn() throws {
        let runbook = try TrainingFiles.runbook()
        let files = try TrainingFiles.brokenFixtureFiles()
        XCTAssertGreaterThanOrEqual(files.count, 5)
        XCTAssertEqual(Set(files.map(\.lastPathComponent)), Set(Self.expectedProblems.keys), "every fixture has its expected problems here")
        for file in files {
            let name = file.lastPathComponent
            switch try TrainingFiles.load(file, runbook: runbook) {
            case .valid(let scenario):
                XCTFail("\(name) loaded as \(scenario.id); it is broken on purpose")
            case .invalid(let problems):
                XCTAssertEqual(problems.map { $0.formatted(file: name) }, Self.expectedProblems[name] ?? [], name)
                for problem in problems {
                    XCTAssertNotNil(problem.location, "\(name): \(problem) has no line:column")
                }
            }
        }
    }

    /// The kinds of problem, not only their wording: what a tool reading them would branch on.
    func testProblemsCarryTheirKind() throws {
        let runbook = try TrainingFiles.runbook()
        func kinds(_ name: String) throws -> [RunbookProblem.Kind] {
            guard case .invalid(let problems) = try TrainingFiles.load(TrainingFiles.brokenFixtures.appendingPathComponent(name), runbook: runbook) else {
                XCTFail("\(name) loaded")
                return []
            }
            return problems.map(\.kind)
        }
        XCTAssertEqual(try kinds("missing_key.json5"), [.missingKey, .missingKey])
        XCTAssertEqual(try kinds("syntax_error.json5"), [.syntax])
        XCTAssertEqual(try kinds("bad_kind.json5"), [.invalidValue])
        XCTAssertEqual(try kinds("unknown_check_in_gate_refused.json5"), [.invalidValue])
    }

    /// A scenario's vocabulary is the engine's and the runbook's: a check the engine has is
    /// accepted under gateRefused, and every signal of the runbook under refusedWithSignal.
    func testKnownChecksAndSignalsAreAccepted() throws {
        let runbook = try TrainingFiles.runbook()
        for (rule, names) in [("gateRefused", CheckCatalog.names.sorted()), ("refusedWithSignal", runbook.refusalSignals.map(\.id))] {
            for name in names {
                let text = """
                { id: "v", title: "V", kind: "honest", summary: "S", subject: { email: "v@training.example", name: "V" },
                  caller: { opening: "Hi", lines: {} }, debrief: "D",
                  expected: { outcome: "escalated", moments: [ { id: "m", description: "M", \(rule): "\(name)" } ] } }
                """
                let outcome = ScenarioLoader.load(text, knownChecks: CheckCatalog.names, knownSignals: Set(runbook.refusalSignals.map(\.id)))
                guard case .valid(let scenario) = outcome else {
                    XCTFail("\(rule): \(name) was not accepted: \(outcome)")
                    continue
                }
                XCTAssertEqual(scenario.expected.moments.first?.rule,
                               rule == "gateRefused" ? .gateRefused(name) : .refusedWithSignal(name))
            }
        }
    }

    func testShippedScenariosPassTrainCheck() throws {
        let handrail = try HandrailBinary()
        let files = try TrainingFiles.scenarioFiles()
        let run = try handrail.run(["train", "check"] + files.map(\.path), as: "checker", expect: 0)
        let lines = run.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, files.count, run.description)
        let runbook = try TrainingFiles.runbook()
        for (file, line) in zip(files, lines) {
            let scenario = try TrainingFiles.scenario(file, runbook: runbook)
            XCTAssertEqual(line, "\(file.path): ok: \(scenario.id), \(scenario.expected.moments.count) decisive moments")
        }
        XCTAssertEqual(run.err, "")
    }

    func testBrokenFixturesFailTrainCheckWithExit3() throws {
        let handrail = try HandrailBinary()
        for file in try TrainingFiles.brokenFixtureFiles() {
            let run = try handrail.run(["train", "check", file.path], as: "checker", expect: 3)
            let expected = (Self.expectedProblems[file.lastPathComponent] ?? []).map { file.deletingLastPathComponent().path + "/" + $0 }
            XCTAssertEqual(run.out.split(separator: "\n").map(String.init), expected, run.description)
        }
        // One broken file among good ones: the good ones still say ok, and the exit is still 3.
        let good = TrainingFiles.scenarioFolder.appendingPathComponent("urgency-pressure.json5").path
        let bad = TrainingFiles.brokenFixtures.appendingPathComponent("bad_kind.json5").path
        let mixed = try handrail.run(["train", "check", good, bad], as: "checker", expect: 3)
        XCTAssertTrue(mixed.out.hasPrefix("\(good): ok: urgency-pressure, 2 decisive moments\n"), mixed.description)
        XCTAssertTrue(mixed.out.contains("\(bad):5:9: $.kind: kind is honest or malicious"), mixed.description)
    }
}

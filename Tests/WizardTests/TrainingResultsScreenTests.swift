import Engine
import Foundation
import Terminal
import Wizard
import XCTest

/// The senior admin's view of training results: reached with `t` from the queue, listing every
/// trainee's attempts with their result and the moments missed; not offered to agents.
final class TrainingResultsScreenTests: XCTestCase {
    static let rows = [
        TrainingResultRow(trainee: "trainee1", scenario: "urgency-pressure", passed: false, outcome: "unfinished (awaiting_enrolment)",
                          expected: "escalated", missed: ["pressure", "no-reset"], finished: Date(timeIntervalSince1970: 1_800_000_000)),
        TrainingResultRow(trainee: "trainee2", scenario: "caller-supplied-number", passed: true, outcome: "escalated",
                          expected: "escalated", missed: [], finished: Date(timeIntervalSince1970: 1_799_000_000)),
    ]

    func model(role: Role) -> WizardModel {
        WizardModel(header: HeaderInfo(login: "sam", role: role, database: "/tmp/h.db", platform: "local", demo: false), width: 100, height: 30)
    }

    func testASeniorOpensTheResultsFromTheQueue() {
        var model = model(role: .senior)
        XCTAssertEqual(Wizard.update(&model, .key(.character("t"))), [.loadTrainingResults])
        _ = Wizard.update(&model, .trainingResultsLoaded(Self.rows))
        let text = Wizard.view(model).text
        XCTAssertTrue(text.contains("Training results"), text)
        XCTAssertTrue(text.contains("trainee1     urgency-pressure          NOT PASSED"), text)
        XCTAssertTrue(text.contains("pressure, no-reset"), text)
        XCTAssertTrue(text.contains("trainee2     caller-supplied-number    passed"), text)
        XCTAssertEqual(Wizard.update(&model, .key(.escape)), [.loadQueue])
        XCTAssertFalse(Wizard.view(model).text.contains("Training results"))
    }

    func testAnAgentIsNotOfferedTheResults() {
        var model = model(role: .agent)
        XCTAssertEqual(Wizard.update(&model, .key(.character("t"))), [])
    }
}

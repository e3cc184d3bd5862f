import Foundation
import XCTest

/// `handrail train` lists titles only: whether the caller is honest or an attacker is what the
/// trainee has to find out (the debrief reveals it). A number from the list starts that scenario.
final class TrainingListTests: XCTestCase {
    func testTheListShowsTitlesOnlyNeverTheAnswer() throws {
        let handrail = try HandrailBinary()
        let list = try handrail.run(["train"], as: "alice", expect: 0)
        for giveaway in ["honest", "malicious", "social", "attacker", "engineer"] {
            XCTAssertFalse(list.out.lowercased().contains(giveaway.lowercased()), "the list gives away \"\(giveaway)\":\n\(list.out)")
        }
        for id in ["urgency-pressure", "honest-no-codes", "chat-message"] {
            XCTAssertFalse(list.out.contains(id), "ids are not shown (they can name the answer):\n\(list.out)")
        }
        XCTAssertFalse(list.out.split(separator: "\n").first?.contains("CALLER") ?? true, "no caller-kind column:\n\(list.out)")
        XCTAssertTrue(list.out.contains("Caller with no codes left"), list.out)
        XCTAssertTrue(list.out.contains("Start one with: handrail train NUMBER"), list.out)
    }
}

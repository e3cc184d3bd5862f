import Foundation
import XCTest

/// Ticket references are written the organisation's way: the default accepts the common ticket
/// systems, `ticketPattern` in the configuration replaces it, and a pattern that does not compile
/// stops every command with a usage error before anything is recorded.
final class TicketPatternCLITests: XCTestCase {
    private var handrail: HandrailProcess!
    private let subject = "sam@example.com"

    override func setUpWithError() throws {
        handrail = try HandrailProcess(login: "alice")
    }

    override func tearDown() {
        handrail = nil
    }

    func testCommonTicketSystemsReferencesAreAcceptedByDefault() throws {
        for (n, reference) in ["SUP-T1", "INC0012345", "RITM0012345", "#12345", "ABC-123"].enumerated() {
            // One person each: a person has one open case at a time.
            let c = try ManualCase.open(handrail, subject: "sam\(n)@example.com")
            try c.typeOrdinaryFacts()
            try c.verifyByVideo(reference: reference)
            try c.release()
            XCTAssertEqual(try handrail.run(["case", "do", c.id, "pause", "--reason", "Testing the ticket references"]).status, 0)
        }
    }

    func testAReferenceThatIsNoTicketIsRefusedByDefault() throws {
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts()
        let refused = try c.act(["verify_identity", "method=video", "compared_against=hr_photo", "video_match=yes",
                                 "reference=the one from Maria"], expect: 3)
        XCTAssertTrue(refused.err.contains("must be a ticket reference such as SUP-1234, INC0012345 or #1234"), "\(refused)")
    }

    func testAConfiguredPatternReplacesTheDefault() throws {
        try handrail.configure(#"{ ticketPattern: "HD[0-9]{6}" }"#)
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts()
        // The attack: a reference in another system's form, where the organisation uses one system.
        let refused = try c.act(["verify_identity", "method=video", "compared_against=hr_photo", "video_match=yes",
                                 "reference=SUP-1234"], expect: 3)
        XCTAssertTrue(refused.err.contains("its ticketPattern is HD[0-9]{6}"), "\(refused)")
        // The honest path: the organisation's own form.
        try c.verifyByVideo(reference: "HD004211")
    }

    func testAPatternThatDoesNotCompileIsAUsageErrorNamingTheSetting() throws {
        try handrail.configure(#"{ ticketPattern: "SUP-([0-9]+" }"#)
        let run = try handrail.run(["case", "list"])
        XCTAssertEqual(run.status, 2, "\(run)")
        XCTAssertTrue(run.err.contains("ticketPattern"), "\(run)")
        XCTAssertTrue(run.err.contains("is not a regular expression"), "\(run)")
        XCTAssertFalse(run.err.contains("internal error"), "\(run)")
    }

    func testAPatternThatTakesAnEmptyReferenceIsRefused() throws {
        try handrail.configure(#"{ ticketPattern: "[A-Z]*" }"#)
        let run = try handrail.run(["case", "list"])
        XCTAssertEqual(run.status, 2, "\(run)")
        XCTAssertTrue(run.err.contains("matches an empty reference"), "\(run)")
    }
}

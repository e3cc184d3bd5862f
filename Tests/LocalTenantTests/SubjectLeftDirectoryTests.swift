import Casework
import Engine
import Foundation
import LocalTenant
import SQLiteCore
import XCTest

/// A case whose subject has since left the directory: it still shows (for auditors too), every
/// fact unknown and a note saying why, and nothing can be decided on it.
final class SubjectLeftDirectoryTests: XCTestCase {
    private var h: LocalTenantHarness!

    override func setUpWithError() throws {
        h = try LocalTenantHarness()
    }

    override func tearDown() {
        h.close()
        h = nil
    }

    private func removeFromDirectory(_ email: String) throws {
        let db = try Database(path: h.directoryPath, mode: .readWrite)
        for table in ["factors", "backup_codes", "phone_numbers", "federated_links", "sign_ins", "directory_events"] {
            try db.execute("DELETE FROM \(table) WHERE email = '\(email)'")
        }
        try db.execute("DELETE FROM users WHERE email = '\(email)'")
    }

    func testACaseWhoseSubjectLeftStillShowsWithTheFactsUnknownAndDecidesNothing() throws {
        let id = try h.open("ben@demo.example")
        try h.pass(id, "verify_identity", LocalTenantHarness.video)
        try removeFromDirectory("ben@demo.example")

        let auditor = Actor(login: "audrey", role: .auditor)
        let snapshot = try h.service().reader.snapshot(id, actor: auditor)
        XCTAssertTrue(snapshot.factsProblem?.contains("not a user of the local directory") ?? false, snapshot.factsProblem ?? "")
        XCTAssertEqual(snapshot.knownFacts, [])
        let presentation = CasePresentation(snapshot)
        XCTAssertTrue(presentation.actions.isEmpty)
        XCTAssertNil(presentation.evaluation)

        let refused = try h.service().perform(.submit(step: "check_backup_codes", values: [:]), on: id, actor: h.alice)
        XCTAssertEqual(refused.refusal?.kind, .gate)
        XCTAssertTrue(refused.refusal?.message.contains("nothing can be decided") ?? false, refused.refusal?.message ?? "")
        XCTAssertEqual(try h.eventTypes(id), ["case.opened", "verification.recorded"])
    }

    /// The honest path: a subject still in the directory has their facts read as before.
    func testACaseWhoseSubjectIsInTheDirectoryShowsItsFacts() throws {
        let id = try h.open("ben@demo.example")
        let snapshot = try h.service().reader.snapshot(id, actor: h.alice)
        XCTAssertNil(snapshot.factsProblem)
        XCTAssertFalse(CasePresentation(snapshot).actions.isEmpty)
    }
}

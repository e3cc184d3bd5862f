import Engine
import Foundation
import SQLiteCore
@testable import Store
import XCTest

/// The roster: the first operator of a database becomes its senior admin, once; roles are set
/// and read by login.
final class RosterEnrolsOneFirstSeniorAndSetsRolesTests: StoreTestCase {
    func testFirstOperatorBecomesSeniorExactlyOnce() throws {
        let store = try makeStore()
        XCTAssertEqual(try store.operators(), [])
        XCTAssertTrue(try store.enrolFirstOperator("alice", at: t0))
        XCTAssertFalse(try store.enrolFirstOperator("bob", at: t0.addingTimeInterval(1)))
        XCTAssertFalse(try store.enrolFirstOperator("alice", at: t0.addingTimeInterval(2)))
        XCTAssertEqual(try store.role(of: "alice"), .senior)
        XCTAssertNil(try store.role(of: "bob"))
        XCTAssertEqual(try store.operators().map(describe), ["alice senior added by alice at 2026-05-17T10:00:00.000Z"])
    }

    func testConcurrentFirstRunsMakeOneSenior() throws {
        _ = try makeStore()
        let path = databasePath, at = t0
        let winners = FailureList(), failures = FailureList()
        DispatchQueue.concurrentPerform(iterations: 6) { i in
            do {
                let store = try HandrailStore(path: path, create: false, now: Date.init)
                if try store.enrolFirstOperator("operator\(i)", at: at) { winners.add("operator\(i)") }
            } catch {
                failures.add("\(error)")
            }
        }
        XCTAssertEqual(failures.all, [])
        XCTAssertEqual(winners.all.count, 1)
        let store = try makeStore()
        XCTAssertEqual(try store.operators().map(\.login), winners.all)
        XCTAssertEqual(try store.operators().map(\.role), [.senior])
    }

    func testSetOperatorAddsAndChangesRoles() throws {
        let store = try makeStore()
        _ = try store.enrolFirstOperator("alice", at: t0)
        try store.setOperator("bob", role: .agent, by: "alice", at: t0.addingTimeInterval(10))
        try store.setOperator("carol", role: .auditor, by: "alice", at: t0.addingTimeInterval(20))
        try store.setOperator("dave", role: .trainee, by: "alice", at: t0.addingTimeInterval(30))
        XCTAssertEqual(try store.role(of: "bob"), .agent)
        XCTAssertEqual(try store.role(of: "carol"), .auditor)
        XCTAssertEqual(try store.role(of: "dave"), .trainee)
        XCTAssertNil(try store.role(of: "eve"))

        // Changing a role keeps who added the operator and when.
        try store.setOperator("bob", role: .senior, by: "carol", at: t0.addingTimeInterval(99))
        XCTAssertEqual(try store.role(of: "bob"), .senior)
        let bob = try XCTUnwrap(try store.operators().first { $0.login == "bob" })
        XCTAssertEqual(describe(bob), "bob senior added by alice at 2026-05-17T10:00:10.000Z")
        XCTAssertEqual(try store.operators().map(\.login), ["alice", "bob", "carol", "dave"], "ordered by login")
    }

    func testRoleIsCaseSensitiveExactLogin() throws {
        let store = try makeStore()
        _ = try store.enrolFirstOperator("alice", at: t0)
        XCTAssertNil(try store.role(of: "Alice"))
        XCTAssertNil(try store.role(of: "alice "))
        XCTAssertNil(try store.role(of: ""))
    }

    func testRoleOutsideTheVocabularyIsRefusedByTheSchema() throws {
        let store = try makeStore()
        let error = sqliteError { try store.db.execute("INSERT INTO operators VALUES ('x', 'root', 'x', '2026-05-17T10:00:00.000Z')") }
        XCTAssertEqual(error?.isConstraint, true)
    }

    private func describe(_ entry: OperatorEntry) -> String {
        "\(entry.login) \(entry.role.rawValue) added by \(entry.addedBy) at \(EventTime.format(entry.addedAt))"
    }
}


import Engine
import Foundation
import Store
import XCTest

/// A case is held by one operator at a time, until the lease expires.
final class LeaseHoldsACaseForOneOperatorUntilExpiryTests: StoreTestCase {
    private var store: HandrailStore!

    override func setUpWithError() throws {
        try super.setUpWithError()
        store = try makeStore()
        try append(store, [event("HR-A")], after: 0)
    }

    override func tearDownWithError() throws {
        store = nil
        try super.tearDownWithError()
    }

    private func holder() throws -> (String?, Date?) {
        let record = try store.caseRecord("HR-A")
        return (record?.holder, record?.leaseExpiresAt)
    }

    func testAcquireRecordsHolderAndExpiry() throws {
        try store.acquireLease(caseID: "HR-A", login: "alice", now: t0, duration: 300)
        let (login, until) = try holder()
        XCTAssertEqual(login, "alice")
        XCTAssertEqual(until, t0.addingTimeInterval(300))
        XCTAssertEqual(try store.caseRecord("HR-A")?.heldBySomeoneElse(than: "bob", at: t0), true)
        XCTAssertEqual(try store.caseRecord("HR-A")?.heldBySomeoneElse(than: "alice", at: t0), false)
    }

    func testSameLoginRenewsItsLease() throws {
        try store.acquireLease(caseID: "HR-A", login: "alice", now: t0, duration: 300)
        try store.acquireLease(caseID: "HR-A", login: "alice", now: t0.addingTimeInterval(200), duration: 300)
        XCTAssertEqual(try holder().1, t0.addingTimeInterval(500))
        XCTAssertEqual(try holder().0, "alice")
    }

    func testAnotherLoginIsRefusedWithTheHolderUntilExpiry() throws {
        try store.acquireLease(caseID: "HR-A", login: "alice", now: t0, duration: 300)
        let until = t0.addingTimeInterval(300)
        for offset in [0.0, 1, 299.999] {
            let error = storeError { try self.store.acquireLease(caseID: "HR-A", login: "bob", now: self.t0.addingTimeInterval(offset), duration: 300) }
            XCTAssertEqual(error, .caseHeld(caseID: "HR-A", holder: "alice", until: until), "at +\(offset)s")
        }
        XCTAssertTrue(StoreError.caseHeld(caseID: "HR-A", holder: "alice", until: until).description
            .contains("held by alice until 2026-05-17T10:05:00.000Z"))
        XCTAssertEqual(try holder().0, "alice", "the refused attempt changed nothing")
        XCTAssertEqual(try holder().1, until)
        // A second connection (another terminal) sees the same hold.
        XCTAssertEqual(storeError { try self.makeStore().acquireLease(caseID: "HR-A", login: "bob", now: self.t0, duration: 60) },
                       .caseHeld(caseID: "HR-A", holder: "alice", until: until))
    }

    func testLeaseIsAcquirableByAnotherLoginOnceExpired() throws {
        try store.acquireLease(caseID: "HR-A", login: "alice", now: t0, duration: 300)
        try store.acquireLease(caseID: "HR-A", login: "bob", now: t0.addingTimeInterval(300), duration: 60)
        XCTAssertEqual(try holder().0, "bob")
        XCTAssertEqual(try holder().1, t0.addingTimeInterval(360))
        XCTAssertEqual(storeError { try self.store.acquireLease(caseID: "HR-A", login: "alice", now: self.t0.addingTimeInterval(301), duration: 60) },
                       .caseHeld(caseID: "HR-A", holder: "bob", until: t0.addingTimeInterval(360)))
        try store.acquireLease(caseID: "HR-A", login: "alice", now: t0.addingTimeInterval(3_600), duration: 60)
        XCTAssertEqual(try holder().0, "alice")
    }

    func testReleaseOnlyByTheHolder() throws {
        try store.acquireLease(caseID: "HR-A", login: "alice", now: t0, duration: 300)
        try store.releaseLease(caseID: "HR-A", login: "bob")
        XCTAssertEqual(try holder().0, "alice", "someone else's release leaves the hold alone")
        try store.releaseLease(caseID: "HR-A", login: "alice")
        let (login, until) = try holder()
        XCTAssertNil(login)
        XCTAssertNil(until)
        try store.acquireLease(caseID: "HR-A", login: "bob", now: t0.addingTimeInterval(1), duration: 300)
        XCTAssertEqual(try holder().0, "bob", "released before expiry, free for the next operator")
    }

    func testLeaseOnUnknownCaseIsCaseNotFound() {
        XCTAssertEqual(storeError { try self.store.acquireLease(caseID: "HR-NOPE", login: "alice", now: self.t0, duration: 60) },
                       .caseNotFound("HR-NOPE"))
    }

    func testLeaseSurvivesAppendsToTheCase() throws {
        try store.acquireLease(caseID: "HR-A", login: "alice", now: t0, duration: 300)
        try append(store, [event("HR-A")], after: 1)
        XCTAssertEqual(try holder().0, "alice", "the projection upsert does not clear the hold")
        XCTAssertEqual(try store.caseRecord("HR-A")?.projection.lastCaseSeq, 2)
    }
}

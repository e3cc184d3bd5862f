import Engine
import Foundation
import SQLiteCore
@testable import Store
import XCTest

/// The queue's order as an index: a database from before the index gets it when opened (an
/// additive migration, its cases kept), SQLite reads a page from the index instead of sorting
/// the table, and pages continued with `after` list every case exactly once, ties included.
final class CaseOrderTests: StoreTestCase {
    /// Cases updated at a few distinct moments (many ties), in several statuses.
    func fillCases(_ store: HandrailStore, count: Int) throws {
        let statuses: [CaseStatus] = [.open, .escalated, .closed]
        for n in 0..<count {
            let id = String(format: "HR-%04d", (n * 37) % 1000)
            let at = t0.addingTimeInterval(Double(n % 4))
            try store.append([event(id, at: at)], caseID: id, expectedLastCaseSeq: 0,
                             projection: projection(id, lastCaseSeq: 1, at: at, status: statuses[n % statuses.count]))
        }
    }

    func testAnOlderDatabaseGetsTheOrderIndexesWhenOpenedAndKeepsItsCases() throws {
        do {
            let db = try Database(path: databasePath, mode: .create)
            try migrate(db, migrations: Array(Migrations.all.prefix(2)))
        }
        do {
            let older = try HandrailStore(path: databasePath, readOnly: true, now: Date.init)
            XCTAssertEqual(try older.cases(), [], "read-only: nothing migrated, and the list still reads")
        }
        let store = try makeStore()
        try fillCases(store, count: 5)
        XCTAssertTrue(try Migrator.appliedIDs(store.db).contains("0003-case-order-indexes"))
        let indexes = Set(try strings(store.db, "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'cases'"))
        XCTAssertTrue(indexes.isSuperset(of: ["cases_by_update_order", "cases_by_status_update_order", "cases_by_status"]), "\(indexes)")
        XCTAssertEqual(try store.cases().count, 5)
    }

    /// The first page costs a walk of the index, not a sort of the table: SQLite's plan says so.
    func testTheFirstPageIsReadFromTheIndexNotSorted() throws {
        let store = try makeStore()
        try fillCases(store, count: 20)
        for (sql, index) in [
            ("SELECT id FROM cases ORDER BY updated_at DESC, id LIMIT 50", "cases_by_update_order"),
            ("SELECT id FROM cases WHERE status IN ('open') ORDER BY updated_at DESC, id LIMIT 50", "cases_by_status_update_order"),
        ] {
            let plan = try strings(store.db, "EXPLAIN QUERY PLAN " + sql, column: 3).joined(separator: "; ")
            XCTAssertTrue(plan.contains(index), plan)
            XCTAssertFalse(plan.contains("TEMP B-TREE"), plan)
        }
    }

    func testPagesContinuedAfterTheLastCaseListEveryCaseOnceInOrder() throws {
        let store = try makeStore()
        try fillCases(store, count: 60)
        for status: [String]? in [nil, ["open"], ["closed"]] {
            let all = try store.cases(statuses: status, limit: 1000).map(\.projection.id)
            var paged: [String] = []
            var after: String?
            repeat {
                let page = try store.cases(statuses: status, limit: 7, after: after).map(\.projection.id)
                paged += page
                after = page.count == 7 ? page.last : nil
            } while after != nil
            XCTAssertEqual(paged, all, "status \(status ?? [])")
            XCTAssertEqual(Set(paged).count, paged.count)
        }
        XCTAssertEqual(storeError { _ = try store.cases(limit: 5, after: "HR-NOPE") }, .caseNotFound("HR-NOPE"))
    }

    func strings(_ db: Database, _ sql: String, column: Int32 = 0) throws -> [String] {
        let statement = try db.prepare(sql)
        var out: [String] = []
        while try statement.step() { out.append(statement.string(column)) }
        return out
    }
}

import CNCursesW
import CSQLite
import XCTest

/// The system libraries link and their shims expose what Swift cannot import directly.
final class SystemLibraryTests: XCTestCase {
    func testSQLiteIsRecentEnoughForTheStore() {
        // WAL, json functions and `RETURNING` need 3.35+; Debian 12 ships 3.40.
        XCTAssertGreaterThanOrEqual(sqlite3_libversion_number(), 3_035_000)
        XCTAssertEqual(sqlite3_threadsafe(), 1, "serialized mode lets one connection be shared safely")
    }

    func testSQLiteTransientDestructorBindsACopy() throws {
        var db: OpaquePointer?
        XCTAssertEqual(sqlite3_open(":memory:", &db), SQLITE_OK)
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        XCTAssertEqual(sqlite3_prepare_v2(db, "SELECT ?1", -1, &statement, nil), SQLITE_OK)
        defer { sqlite3_finalize(statement) }
        do {
            var text = "short-lived é"
            text.withUTF8 { buffer in
                _ = buffer.withMemoryRebound(to: CChar.self) {
                    sqlite3_bind_text(statement, 1, $0.baseAddress, Int32($0.count), handrail_sqlite_transient())
                }
            }
            text = "overwritten"
        }
        XCTAssertEqual(sqlite3_step(statement), SQLITE_ROW)
        XCTAssertEqual(String(cString: sqlite3_column_text(statement, 0)), "short-lived é")
        XCTAssertEqual(handrail_sqlite_db_config_defensive(db, 1), SQLITE_OK)
    }

    func testNCursesWideCharacterShimIsAvailable() {
        // Only the parts usable without a terminal: the wide-character API was compiled in,
        // and the macro accessors return the documented values (curs_attr(3X)).
        XCTAssertNotEqual(handrail_a_bold(), handrail_a_normal())
        XCTAssertNotEqual(handrail_a_reverse(), handrail_a_normal())
        XCTAssertEqual(handrail_key_f(1), 0o410 + 1, "KEY_F(n) is KEY_F0 + n, with KEY_F0 = 0410 octal (curs_getch(3X))")
        XCTAssertFalse(String(cString: curses_version()).isEmpty)
    }
}

import Foundation
import XCTest

/// Where SQL may be written: the SQLite core, the stores and the benchmark's peers. Anywhere
/// else, SQL text would be a second way into a file whose rules (the hash chain, the
/// projection updated with its events, idempotent directory actions) live in its store.
/// And only the core speaks to SQLite's C API.
final class SQLStaysInTheCoreAndTheStoresTests: XCTestCase {
    /// The package's Sources folder, found from this file (Tests/StoreTests/…).
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// Folders (with a trailing slash) and files, relative to Sources, where SQL belongs.
    static let allowedFolders = [
        "SQLiteCore/",           // the core: connection, migrations, opening a file
        "Store/",                // the event log's store
        "LocalTenant/Storage/",  // the directory tenant's store and schema
        "handrail-bench/Peers/", // what the benchmark measures against: bare SQLite, the sqlite3 shell
    ]
    static let allowedFiles = [
        "TrainingRuntime/TrainingResultsStore.swift",
    ]

    /// SQL statements as they are written in this code base: keywords in capitals.
    static let statementPatterns = [
        #"\bSELECT\s"#, #"\bINSERT\s+INTO\b"#, #"\bUPDATE\s+\w+\s+SET\b"#, #"\bDELETE\s+FROM\b"#,
        #"\bCREATE\s+(TABLE|INDEX|UNIQUE\s+INDEX|TRIGGER|VIEW)\b"#, #"\bDROP\s+(TABLE|INDEX|TRIGGER|VIEW)\b"#,
        #"\bALTER\s+TABLE\b"#, #"\bPRAGMA\s"#, #"\bBEGIN\s+(IMMEDIATE|DEFERRED|EXCLUSIVE|TRANSACTION)\b"#,
        #"\bROLLBACK\b"#, #"\bSAVEPOINT\s"#, #"\bVACUUM\b"#,
    ].map { try! NSRegularExpression(pattern: $0) }

    static func swiftFiles() throws -> [String] {
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(atPath: sources.path))
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted()
    }

    static func isAllowed(_ relative: String) -> Bool {
        allowedFolders.contains { relative.hasPrefix($0) } || allowedFiles.contains(relative)
    }

    /// The lines of `text` that hold SQL, as "line: text".
    static func sqlLines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { number, line in
            let line = String(line)
            let range = NSRange(line.startIndex..., in: line)
            guard statementPatterns.contains(where: { $0.firstMatch(in: line, range: range) != nil }) else { return nil }
            return "\(number + 1): \(line.trimmingCharacters(in: .whitespaces))"
        }
    }

    func testTheDetectorFindsSQLAndLeavesProseAlone() {
        XCTAssertEqual(Self.sqlLines("let s = \"SELECT seq FROM events\"").count, 1)
        XCTAssertEqual(Self.sqlLines("db.execute(\"PRAGMA journal_mode = WAL\")").count, 1)
        XCTAssertEqual(Self.sqlLines("UPDATE cases SET holder = NULL").count, 1)
        XCTAssertEqual(Self.sqlLines("try db.execute(\"BEGIN IMMEDIATE\")\n\"DELETE FROM factors\"").count, 2)
        XCTAssertEqual(Self.sqlLines("// Select a case, insert a note, update the queue, delete nothing.").count, 0)
    }

    func testSQLAppearsOnlyInTheCoreTheStoresAndTheBenchmarkPeers() throws {
        let files = try Self.swiftFiles()
        XCTAssertGreaterThan(files.count, 50, "the Sources folder was not found at \(Self.sources.path)")
        var found: [String] = []
        var allowedWithSQL = 0
        for relative in files {
            let text = try String(contentsOf: Self.sources.appendingPathComponent(relative), encoding: .utf8)
            let lines = Self.sqlLines(text)
            if Self.isAllowed(relative) {
                if !lines.isEmpty { allowedWithSQL += 1 }
            } else {
                found += lines.map { "Sources/\(relative):\($0)" }
            }
        }
        XCTAssertEqual(found, [], "SQL outside the SQLite core and the stores; move it into a store and call its API")
        XCTAssertGreaterThan(allowedWithSQL, 5, "the stores' own SQL should be seen, or the scan is blind")
    }

    /// The Swift files under Sources that import `module` (or one of its submodules).
    static func importers(of module: String) throws -> [String] {
        let importing = try NSRegularExpression(pattern: #"^\s*(@\w+(\(\w+\))?\s+)*import\s+(\w+\s+)?"# + module + #"(\.\w+)?\s*$"#,
                                                options: .anchorsMatchLines)
        var importers: [String] = []
        for relative in try swiftFiles() {
            let text = try String(contentsOf: sources.appendingPathComponent(relative), encoding: .utf8)
            if importing.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil { importers.append(relative) }
        }
        return importers
    }

    func testOnlyTheSQLiteCoreImportsCSQLite() throws {
        let importers = try Self.importers(of: "CSQLite")
        XCTAssertFalse(importers.isEmpty, "the core itself imports CSQLite; none found means the scan is blind")
        XCTAssertEqual(importers.filter { !$0.hasPrefix("SQLiteCore/") }, [], "only SQLiteCore may import CSQLite")
    }

    /// The VFS every connection opens its files through is the core's to choose.
    func testOnlyTheSQLiteCoreImportsItsVFS() throws {
        let importers = try Self.importers(of: "CSQLiteVFS")
        XCTAssertFalse(importers.isEmpty, "the core itself imports CSQLiteVFS; none found means the scan is blind")
        XCTAssertEqual(importers.filter { !$0.hasPrefix("SQLiteCore/") }, [], "only SQLiteCore may import CSQLiteVFS")
    }
}

import Foundation
import HandrailTestSupport
import XCTest

/// Only `handrail init` (and the first run of the personal demo database) creates a database. A
/// command that writes, given a path (`--db`, `$HANDRAIL_DB`) with no database there — a missing
/// file, a zero-byte file, a missing folder — refuses with exit 2, names `handrail init`, and
/// creates nothing: a mistyped path never becomes a new, empty log with an implicit first senior.
final class ExplicitInitTests: XCTestCase {
    var handrail: HandrailProcess!

    override func setUpWithError() throws {
        handrail = try HandrailProcess()
    }

    static let writes: [[String]] = [["case", "open", "--subject", "sam@example.com"], ["operator", "add", "bob", "--role", "agent"],
                                     ["case", "note", "HR-00000000", "A note"]]

    /// The three paths that are not a database: what each leaves on disk.
    private func assertRefused(_ path: String, leaves expected: Int?, says: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for arguments in Self.writes {
            for (how, run) in [("--db", try handrail.run(arguments + ["--db", path])),
                               ("HANDRAIL_DB", try handrail.run(arguments, environment: ["HANDRAIL_DB": path]))] {
                XCTAssertEqual(run.status, 2, "\(how): \(run)", file: file, line: line)
                XCTAssertTrue(run.err.contains(says), "\(how): \(run)", file: file, line: line)
                XCTAssertTrue(run.err.contains("handrail init --db \(path) --senior LOGIN"), "\(how): \(run)", file: file, line: line)
                XCTAssertFalse(run.err.contains("first operator"), "\(how): \(run)", file: file, line: line)
                let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
                XCTAssertEqual(size, expected, "\(how): \(arguments) left \(path) as it was", file: file, line: line)
                for side in ["-wal", "-shm", "-journal"] {
                    XCTAssertFalse(FileManager.default.fileExists(atPath: path + side), "\(how): \(side)", file: file, line: line)
                }
            }
        }
    }

    func testAWriteToAMissingDatabaseIsRefusedAndCreatesNothing() throws {
        let path = handrail.path("mistyped.db")
        try assertRefused(path, leaves: nil, says: "no database at \(path)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: handrail.path("directory.db")), "no demo tenant beside it either")
    }

    func testAWriteToAZeroByteFileIsRefusedAndLeavesItEmpty() throws {
        for mode in [0o644, 0o600] {
            let path = handrail.path("empty-\(String(mode, radix: 8)).db")
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(), attributes: [.posixPermissions: mode]))
            try assertRefused(path, leaves: 0, says: "is an empty file, not a database")
        }
    }

    func testAWriteIntoAMissingFolderIsRefusedAndCreatesNoFolder() throws {
        let folder = handrail.path("no-such-folder")
        try assertRefused(folder + "/handrail.db", leaves: nil, says: "no folder \(folder)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder))
    }

    /// The honest path: `init`, then the same commands work, its senior acting.
    func testInitThenTheSameCommandsWork() throws {
        let path = handrail.path("real.db")
        let created = try handrail.run(["init", "--db", path, "--senior", "carol"])
        XCTAssertEqual(created.status, 0, "\(created)")
        XCTAssertEqual(try handrail.run(["operator", "add", "bob", "--role", "agent"], as: "carol", environment: ["HANDRAIL_DB": path]).status, 0)
        let opened = try handrail.run(["case", "open", "--subject", "sam@example.com", "--db", path], as: "bob")
        XCTAssertEqual(opened.status, 0, "\(opened)")
        let id = opened.out.trimmingCharacters(in: .whitespacesAndNewlines)
        let noted = try handrail.run(["case", "note", id, "Called back on the number on file", "--db", path], as: "bob")
        XCTAssertEqual(noted.status, 0, "\(noted)")
        XCTAssertFalse(noted.err.contains("first operator"), "\(noted)")
        // Nobody else became senior on the way.
        let roster = try handrail.run(["operator", "list", "--db", path], as: "carol")
        XCTAssertEqual(roster.out.components(separatedBy: "\n").filter { $0.contains("senior") }.count, 1, "\(roster)")
    }

    /// The demo database is the one a first run still creates, labelled DEMO.
    func testTheDemoDatabaseIsStillCreatedByItsFirstRun() throws {
        let run = try handrail.run(["operator", "add", "bob", "--role", "agent"], environment: ["HANDRAIL_DB": ""])
        XCTAssertEqual(run.status, 0, "\(run)")
        XCTAssertTrue(run.err.contains("is a DEMO database"), "\(run)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: handrail.path("handrail/demo.db")))
    }
}

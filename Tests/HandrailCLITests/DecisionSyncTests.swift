import Foundation
import HandrailTestSupport
import SQLiteCore
import XCTest

/// A decision on the command line costs one sync of the disk: its commit's, of the write-ahead log
/// (synchronous = FULL, https://sqlite.org/pragma.html#pragma_synchronous). Every command is a new
/// process with a new connection that finds the log the one before kept; SQLite's unix VFS would
/// also sync the log's folder at each such connection's first commit, which the VFS in CSQLiteVFS
/// spares it (https://sqlite.org/vfs.html). A log that is not there is created, and its folder
/// synced, by the connection that creates it, writer or reader. Counted with strace on the real
/// binary: every fsync and fdatasync, and the file or folder each was on.
final class DecisionSyncTests: XCTestCase {
    /// One fsync or fdatasync the command made, and the path of what it synced.
    struct Sync: Equatable, CustomStringConvertible {
        var call: String
        var path: String

        var description: String { "\(call)(\(path))" }
    }

    private var handrail: HandrailProcess!
    /// The database's folder and its log, as the kernel names them (strace -y shows those).
    private var folder = "", log = ""

    override func setUpWithError() throws {
        _ = try Requirement.strace()
        handrail = try HandrailProcess()
        folder = handrail.folder.resolvingSymlinksInPath().path
        log = folder + "/handrail.db-wal"
    }

    override func tearDown() {
        handrail = nil
    }

    /// Runs `handrail ARGUMENTS` under `strace -f -y` and returns it with the syncs it made.
    private func traced(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [Sync] {
        let trace = handrail.path("strace-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(atPath: trace) }
        let run = try handrail.run(arguments, under: [try Requirement.strace(), "-f", "-qq", "-y", "-e", "trace=fsync,fdatasync", "-o", trace])
        XCTAssertEqual(run.status, 0, "\(run)", file: file, line: line)
        let text = try String(contentsOfFile: trace, encoding: .utf8)
        // `PID fdatasync(4</path/to/handrail.db-wal>) = 0`; a call another thread interrupted is
        // printed as `… fsync(4</path> <unfinished ...>`, its end on a line of its own.
        let call = try NSRegularExpression(pattern: #"\b(fsync|fdatasync)\(\d+<([^>]*)>"#)
        return text.split(separator: "\n").map(String.init).compactMap { line in
            guard let match = call.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
                  let name = Range(match.range(at: 1), in: line), let path = Range(match.range(at: 2), in: line) else { return nil }
            return Sync(call: String(line[name]), path: String(line[path]))
        }
    }

    /// What a connection that does not keep the log does when it is the last to close (the sqlite3
    /// shell, any other SQLite program): checkpoints the log into the database and deletes it
    /// (https://sqlite.org/wal.html#the_wal_file). Nothing committed is lost.
    private func closeALastConnectionThatDoesNotKeepTheLog() throws {
        do {
            let connection = try Database(path: handrail.database, mode: .readWrite)
            XCTAssertNotNil(try connection.scalarInt("SELECT count(*) FROM sqlite_master"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: log), "the last connection to close deletes a log it does not keep")
    }

    /// `case show ID` lists the note among the case's events.
    private func noteRecorded(_ id: String, _ text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let show = try handrail.run(["case", "show", id])
        XCTAssertEqual(show.status, 0, "\(show)", file: file, line: line)
        XCTAssertTrue(show.out.contains("note.added: \(text)"), "the note is in the case:\n\(show)", file: file, line: line)
    }

    /// Honest path: a note on a database whose log a command before it kept is one sync, of the
    /// log, and none of the database's folder.
    func testANoteOnTheKeptLogSyncsTheLogOnceAndNotItsFolder() throws {
        let caseOpened = try ManualCase.open(handrail, subject: "ada@example.com")
        XCTAssertEqual(try handrail.run(["case", "note", caseOpened.id, "Caller asked for a reset, first note"]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: log), "the log is kept between commands")

        let syncs = try traced(["case", "note", caseOpened.id, "Caller rang back, second note"])
        XCTAssertEqual(syncs.map(\.path), [log], "one sync, the commit's, of the log: \(syncs)")
        XCTAssertFalse(syncs.contains { $0.path == folder }, "the folder is not synced again: \(syncs)")
        try noteRecorded(caseOpened.id, "Caller rang back, second note")
    }

    /// The edge: the log removed between two commands. The next decision creates it and syncs the
    /// folder (the new name is made durable), and is kept; the decision after it syncs the log only.
    func testANoteAfterTheLogWasRemovedCreatesItAndSyncsTheFolder() throws {
        let caseOpened = try ManualCase.open(handrail, subject: "ada@example.com")
        XCTAssertEqual(try handrail.run(["case", "note", caseOpened.id, "Caller asked for a reset, first note"]).status, 0)
        try closeALastConnectionThatDoesNotKeepTheLog()

        let creating = try traced(["case", "note", caseOpened.id, "Note that creates the log again"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: log), "the decision created the log")
        XCTAssertTrue(creating.contains { $0.path == folder }, "the new log's folder is synced: \(creating)")
        XCTAssertTrue(creating.contains { $0.path == log }, "the commit syncs the log: \(creating)")
        try noteRecorded(caseOpened.id, "Note that creates the log again")
        XCTAssertEqual(try handrail.run(["audit", "verify"]).status, 0)

        let next = try traced(["case", "note", caseOpened.id, "Note on the log made again"])
        XCTAssertEqual(next.map(\.path), [log], "one sync, of the log: \(next)")
    }

    /// The edge a reader makes: a command that only reads, run when the log is not there, creates it
    /// (SQLite opens the log to read) but never syncs it, so SQLite would never sync its folder; it
    /// does so at once here, and the decision that then finds the log syncs the log only.
    func testACommandThatOnlyReadsAndCreatesTheLogSyncsTheFolderItself() throws {
        let caseOpened = try ManualCase.open(handrail, subject: "ada@example.com")
        try closeALastConnectionThatDoesNotKeepTheLog()

        let reading = try traced(["case", "show", caseOpened.id])
        XCTAssertTrue(FileManager.default.fileExists(atPath: log), "reading the database opens, and so creates, the log")
        XCTAssertEqual(reading.map(\.path), [folder], "the reader syncs the new log's folder, and nothing else: \(reading)")

        let deciding = try traced(["case", "note", caseOpened.id, "Note after a reader made the log"])
        XCTAssertEqual(deciding.map(\.path).filter { $0 == folder }, [], "the folder was synced when the log was made: \(deciding)")
        XCTAssertTrue(deciding.contains { $0.path == log }, "the commit syncs the log: \(deciding)")
        try noteRecorded(caseOpened.id, "Note after a reader made the log")
        XCTAssertEqual(try handrail.run(["audit", "verify"]).status, 0)
    }
}

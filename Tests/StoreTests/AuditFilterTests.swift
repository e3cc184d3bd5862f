import Engine
import Foundation
import HandrailCLI
import Runbook
import Store
import XCTest

/// What an auditor asks for: every filter narrows, rows come in log order, and the CSV export
/// is safe to open in a spreadsheet.
final class AuditFilterNarrowsRowsInLogOrderAndCSVIsSafeTests: StoreTestCase {
    private var store: HandrailStore!
    private var stored: [StoredEvent] = []

    /// seq  case  type                     actor  subject            time
    ///  1   HR-1  case.opened              alice  ada@example.com    t0
    ///  2   HR-1  verification.recorded    alice  ada@example.com    t0+60
    ///  3   HR-2  case.opened              bob    bob@example.com    t0+120
    ///  4   HR-1  mfa.factor_admin_reset   alice  ada@example.com    t0+180
    ///  5   HR-2  mfa.factor_admin_reset   bob    bob@example.com    t0+240
    ///  6   HR-3  case.opened              carol  ada@example.com    t0+300
    ///  7   HR-2  case.closed              bob    bob@example.com    t0+360
    override func setUpWithError() throws {
        try super.setUpWithError()
        store = try makeStore()
        let plan: [(String, String, String, String)] = [
            ("HR-1", "case.opened", "alice", "ada@example.com"), ("HR-1", "verification.recorded", "alice", "ada@example.com"),
            ("HR-2", "case.opened", "bob", "bob@example.com"), ("HR-1", "mfa.factor_admin_reset", "alice", "ada@example.com"),
            ("HR-2", "mfa.factor_admin_reset", "bob", "bob@example.com"), ("HR-3", "case.opened", "carol", "ada@example.com"),
            ("HR-2", "case.closed", "bob", "bob@example.com"),
        ]
        var counts: [String: Int] = [:]
        for (i, (caseID, type, actor, subject)) in plan.enumerated() {
            let reason = type == "mfa.factor_admin_reset" ? "Lost device; verified by video call" : nil
            stored += try append(store, [event(caseID, type: type, subject: subject, actor: actor, at: minute(i), reason: reason,
                                               payload: ["step": .string(type)])], after: counts[caseID, default: 0])
            counts[caseID, default: 0] += 1
        }
    }

    override func tearDownWithError() throws {
        store = nil
        stored = []
        try super.tearDownWithError()
    }

    private func minute(_ n: Int) -> Date { t0.addingTimeInterval(Double(n) * 60) }

    private func seqs(_ filter: AuditFilter) throws -> [Int64] {
        var out: [Int64] = []
        try store.auditRows(filter) { out.append($0.seq) }
        return out
    }

    func testNoFilterGivesEveryRowInSeqOrder() throws {
        XCTAssertEqual(try seqs(AuditFilter()), [1, 2, 3, 4, 5, 6, 7])
    }

    func testFilterByOneOrSeveralEventTypes() throws {
        XCTAssertEqual(try seqs(AuditFilter(eventTypes: ["mfa.factor_admin_reset"])), [4, 5])
        XCTAssertEqual(try seqs(AuditFilter(eventTypes: ["case.closed", "case.opened"])), [1, 3, 6, 7])
        XCTAssertEqual(try seqs(AuditFilter(eventTypes: ["no.such.event"])), [])
    }

    func testFilterByActorSubjectAndCase() throws {
        XCTAssertEqual(try seqs(AuditFilter(actor: "bob")), [3, 5, 7])
        XCTAssertEqual(try seqs(AuditFilter(subject: "ada@example.com")), [1, 2, 4, 6])
        XCTAssertEqual(try seqs(AuditFilter(caseID: "HR-2")), [3, 5, 7])
        XCTAssertEqual(try seqs(AuditFilter(actor: "mallory")), [])
    }

    func testSinceIsInclusiveAndUntilIsExclusive() throws {
        XCTAssertEqual(try seqs(AuditFilter(since: minute(3))), [4, 5, 6, 7], "an event at exactly --since is included")
        XCTAssertEqual(try seqs(AuditFilter(until: minute(3))), [1, 2, 3], "an event at exactly --until is excluded")
        XCTAssertEqual(try seqs(AuditFilter(since: minute(1), until: minute(5))), [2, 3, 4, 5])
        XCTAssertEqual(try seqs(AuditFilter(since: minute(3), until: minute(3))), [])
        XCTAssertEqual(try seqs(AuditFilter(since: minute(3).addingTimeInterval(0.001))), [5, 6, 7])
    }

    func testFiltersCombineAsAnd() throws {
        XCTAssertEqual(try seqs(AuditFilter(eventTypes: ["mfa.factor_admin_reset"], actor: "alice")), [4])
        XCTAssertEqual(try seqs(AuditFilter(eventTypes: ["verification.recorded", "mfa.factor_admin_reset"], subject: "ada@example.com",
                                            since: minute(1), until: minute(4))), [2, 4])
        XCTAssertEqual(try seqs(AuditFilter(eventTypes: ["case.opened"], actor: "carol", subject: "ada@example.com", caseID: "HR-3",
                                            since: minute(5), until: minute(6))), [6])
        XCTAssertEqual(try seqs(AuditFilter(actor: "alice", caseID: "HR-2")), [])
    }

    func testRowsCarryTheStoredColumnsAndHash() throws {
        var rows: [AuditRow] = []
        try store.auditRows(AuditFilter(caseID: "HR-1")) { rows.append($0) }
        XCTAssertEqual(rows.count, 3)
        let reset = rows[2]
        XCTAssertEqual(reset.seq, 4)
        XCTAssertEqual(reset.time, "2026-05-17T10:03:00.000Z")
        XCTAssertEqual(reset.actor, "alice")
        XCTAssertEqual(reset.caseID, "HR-1")
        XCTAssertEqual(reset.subject, "ada@example.com")
        XCTAssertEqual(reset.type, "mfa.factor_admin_reset")
        XCTAssertEqual(reset.reason, "Lost device; verified by video call")
        XCTAssertEqual(reset.payload, #"{"step":"mfa.factor_admin_reset"}"#)
        XCTAssertEqual(reset.hash, stored[3].hash.hexString)
        XCTAssertNil(rows[0].reason)
    }

    func testAnErrorFromTheRowHandlerStopsTheExport() throws {
        struct Stop: Error {}
        var seen = 0
        XCTAssertThrowsError(try store.auditRows(AuditFilter()) { _ in
            seen += 1
            if seen == 2 { throw Stop() }
        }) { XCTAssertTrue($0 is Stop) }
        XCTAssertEqual(seen, 2)
    }

    // MARK: CSV, through `handrail audit --format csv`

    /// Exports case `caseID` as CSV through the command line, in-process.
    private func exportCSV(_ caseID: String) -> (status: Int32, text: String, err: String) {
        // Reading the log needs a role; `audit` opens read-only, so it enrols nobody itself.
        XCTAssertNoThrow(try store.setOperator("auditor1", role: .auditor, by: "alice", at: minute(0)))
        let out = TextSink(), err = TextSink()
        let status = HandrailCommandLine.run(["audit", "--format", "csv", "--case", caseID, "--db", databasePath, "--runbooks", directory.path],
                                             environment: ["HANDRAIL_LOGIN": "auditor1"],
                                             output: CommandOutput(out: { out.append($0) }, err: { err.append($0) }))
        return (status, out.text, err.text)
    }

    /// Appends one event per reason to `caseID` and returns the exported reason cells, raw and parsed.
    private func exportReasons(_ reasons: [String], caseID: String = "HR-CSV") throws -> [(raw: String, parsed: String)] {
        try append(store, reasons.map { event(caseID, subject: "eve@example.com", actor: "alice", at: minute(10), reason: $0) }, after: 0)
        let export = exportCSV(caseID)
        XCTAssertEqual(export.status, 0, export.err)
        let records = CSVRecords.parse(export.text)
        XCTAssertEqual(records.first?.map(\.parsed), ["seq", "time", "actor", "case", "subject", "event", "reason", "payload", "hash"])
        XCTAssertEqual(records.count, reasons.count + 1)
        return records.dropFirst().map { $0[6] }
    }

    func testCellsThatASpreadsheetWouldRunAreNeutralisedWithAnApostrophe() throws {
        let formulas = ["=SUM(A1:A9)", "+1 555 0100", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
                        #"=HYPERLINK("http://evil.example","click")"#]
        let cells = try exportReasons(formulas)
        for (formula, cell) in zip(formulas, cells) {
            XCTAssertEqual(cell.parsed, "'" + formula, "a spreadsheet reads the cell as text")
            XCTAssertEqual(cell.raw, "\"'" + formula.replacingOccurrences(of: "\"", with: "\"\"") + "\"", "quoted, inner quotes doubled")
        }
    }

    func testCommasQuotesAndLineBreaksAreQuotedAndOrdinaryCellsLeftAlone() throws {
        let reasons = ["Lost device, verified by video", #"said "yes" twice"#, "line one\nline two", "carriage\rreturn",
                       "crlf\r\nline", "ada@example.com", "a=b", "plain text", "naïve café ✓"]
        let cells = try exportReasons(reasons)
        XCTAssertEqual(cells.map(\.parsed), reasons, "every value survives the round trip")
        XCTAssertEqual(cells[0].raw, #""Lost device, verified by video""#)
        XCTAssertEqual(cells[1].raw, #""said ""yes"" twice""#)
        XCTAssertEqual(cells[2].raw, "\"line one\nline two\"")
        XCTAssertEqual(cells[3].raw, "\"carriage\rreturn\"")
        XCTAssertEqual(cells[4].raw, "\"crlf\r\nline\"")
        XCTAssertEqual(cells[5].raw, "ada@example.com", "@ not at the start is harmless")
        XCTAssertEqual(cells[6].raw, "a=b")
        XCTAssertEqual(cells[7].raw, "plain text")
        XCTAssertEqual(cells[8].raw, "naïve café ✓")
    }

    func testEveryColumnIsNeutralisedNotOnlyTheReason() throws {
        try store.append([event("=HR-1", subject: "-eve@example.com", actor: "@mallory", at: minute(10), reason: nil,
                                payload: ["x": .string("y")])],
                         caseID: "=HR-1", expectedLastCaseSeq: 0, projection: projection("=HR-1", lastCaseSeq: 1))
        let export = exportCSV("=HR-1")
        XCTAssertEqual(export.status, 0, export.err)
        let records = CSVRecords.parse(export.text)
        XCTAssertEqual(records.count, 2)
        let row = records[1].map(\.parsed)
        XCTAssertEqual(row[0], "8")
        XCTAssertEqual(row[1], "2026-05-17T10:10:00.000Z")
        XCTAssertEqual(row[2], "'@mallory")
        XCTAssertEqual(row[3], "'=HR-1")
        XCTAssertEqual(row[4], "'-eve@example.com")
        XCTAssertEqual(row[5], "note.added")
        XCTAssertEqual(row[6], "", "a null reason is an empty cell")
        XCTAssertEqual(records[1][7].raw, #""{""x"":""y""}""#, "the payload's quotes are doubled")
        XCTAssertEqual(row[8].count, 64, "the hash as lower-case hex")
        XCTAssertTrue(export.text.hasSuffix("\r\n"), "records end with CRLF")
    }
}

/// A small RFC 4180 reader for checking exports: each field with its raw text and its value.
enum CSVRecords {
    static func parse(_ text: String) -> [[(raw: String, parsed: String)]] {
        var records: [[(raw: String, parsed: String)]] = []
        var record: [(raw: String, parsed: String)] = []
        var raw = "", value = ""
        var inQuotes = false
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func endField() {
            record.append((raw, value))
            raw = ""
            value = ""
        }
        while i < scalars.count {
            let c = scalars[i]
            if inQuotes {
                raw.unicodeScalars.append(c)
                if c == "\"" {
                    if i + 1 < scalars.count, scalars[i + 1] == "\"" {
                        raw.unicodeScalars.append("\"")
                        value.unicodeScalars.append("\"")
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    value.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                raw.unicodeScalars.append(c)
                inQuotes = true
            } else if c == "," {
                endField()
            } else if c == "\r", i + 1 < scalars.count, scalars[i + 1] == "\n" {
                endField()
                records.append(record)
                record = []
                i += 1
            } else {
                raw.unicodeScalars.append(c)
                value.unicodeScalars.append(c)
            }
            i += 1
        }
        if !raw.isEmpty || !record.isEmpty {
            endField()
            records.append(record)
        }
        return records
    }
}

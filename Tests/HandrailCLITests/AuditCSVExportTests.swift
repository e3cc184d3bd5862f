import Foundation
import XCTest

/// `handrail audit --format csv` is safe to open in a spreadsheet: a note or reason that begins
/// with `=`, `+`, `-` or `@` comes out prefixed with an apostrophe, so it is text and not a
/// formula, and quoted by RFC 4180; the JSON export keeps the text exactly as recorded.
final class AuditCSVExportTests: XCTestCase {
    private var handrail: HandrailProcess!
    private let subject = "sam@example.com"

    override func setUpWithError() throws {
        handrail = try HandrailProcess(login: "alice")
    }

    override func tearDown() {
        handrail = nil
    }

    func testFormulaLikeNotesAndReasonsAreNeutralisedAndQuoted() throws {
        // Each is a sentence a reviewer can use (the one rule for notes), starting as a formula would.
        let notes = ["=1+2 is what the caller read out", "+1+1 called back", "-2+3 minus, with a comma", "@SUM(A1:A2) pasted by the caller",
                     #"=HYPERLINK("http://evil.example/?q=1","click me")"#, "A plain note, nothing to neutralise"]
        let refusal = "=cmd|' /C calc'!A0 caller insisted it was urgent"
        let resetReason = "+ Lost device; identity verified via video call \(handrail.today), see INC-1001"

        let refused = try ManualCase.open(handrail, subject: subject)
        try refused.typeOrdinaryFacts()
        for note in notes { XCTAssertEqual(try handrail.run(["case", "note", refused.id, note]).status, 0) }
        try refused.act(["refuse", "pressure", "--reason", refusal])

        let reset = try ManualCase.open(handrail, subject: "rae@example.com")
        try reset.typeOrdinaryFacts()
        try reset.verifyByVideo()
        try reset.act(["check_backup_codes"])
        try reset.act(["choose_recovery", "situation=device"])
        try reset.act(["force_reset", "--confirm", "rae@example.com", "--reason", resetReason,
                       "--attest", "Force MFA reset confirmed in the modal"])

        let export = try handrail.run(["audit", "--format", "csv"])
        XCTAssertEqual(export.status, 0, "\(export)")
        XCTAssertTrue(RawControls.find(in: export.stdout, allowCarriageReturn: true).isEmpty, "\(export)")
        let csv = export.out
        XCTAssertTrue(csv.hasSuffix("\r\n"), "rows end with CRLF")

        // Exactly as written: the apostrophe inside the quotes, embedded quotes doubled.
        XCTAssertTrue(csv.contains(#","'=1+2 is what the caller read out","#), csv)
        XCTAssertTrue(csv.contains(#","'+1+1 called back","#), csv)
        XCTAssertTrue(csv.contains(#","'-2+3 minus, with a comma","#), csv)
        XCTAssertTrue(csv.contains(#","'@SUM(A1:A2) pasted by the caller","#), csv)
        XCTAssertTrue(csv.contains(#","'=HYPERLINK(""http://evil.example/?q=1"",""click me"")","#), csv)
        XCTAssertTrue(csv.contains(#","'=cmd|' /C calc'!A0 caller insisted it was urgent","#), csv)
        XCTAssertTrue(csv.contains(",A plain note, nothing to neutralise,") == false, "a cell with a comma is quoted")
        XCTAssertTrue(csv.contains(#","A plain note, nothing to neutralise","#), csv)

        let rows = try Self.parse(csv)
        XCTAssertEqual(rows.first, ["seq", "time", "actor", "case", "subject", "event", "reason", "payload", "hash"])
        let body = Array(rows.dropFirst())
        XCTAssertEqual(body.count, try handrail.audit().count, "one row per event")
        for row in body {
            XCTAssertEqual(row.count, 9, "\(row)")
            for cell in row {
                XCTAssertFalse(cell.first.map { "=+-@\t\r".contains($0) } ?? false, "a cell a spreadsheet would evaluate: \(cell)")
            }
        }
        let noteReasons = body.filter { $0[5] == "note.added" }.map { $0[6] }
        XCTAssertEqual(noteReasons, notes.map { $0.first == "A" ? $0 : "'" + $0 } + ["'" + refusal])
        XCTAssertEqual(body.filter { $0[5] == "case.escalated" }.map { $0[6] }, ["'" + refusal])
        XCTAssertEqual(body.filter { $0[5].hasPrefix("mfa.factor_admin_reset") }.map { $0[6] }, ["'" + resetReason, "'" + resetReason])

        // The JSON export is for machines: the text as recorded, no apostrophe.
        let json = try handrail.audit(["--event", "note.added"]).map { $0["reason"] as? String }
        XCTAssertEqual(json, notes + [refusal])
        XCTAssertEqual(try handrail.run(["audit", "verify"]).status, 0)
    }

    // MARK: - Helpers

    struct MalformedCSV: Error {
        var detail: String
    }

    /// RFC 4180: fields separated by commas, rows by CRLF; a quoted field may hold commas, CR, LF
    /// and doubled quotes. Strict, so a quoting mistake in the export fails the test.
    static func parse(_ text: String) throws -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var chars = Array(text.unicodeScalars)[...]
        var quoted = false, fieldStarted = false
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.unicodeScalars.append(chars.removeFirst()) } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                guard !fieldStarted else { throw MalformedCSV(detail: "a quote inside an unquoted field: \(field)") }
                quoted = true
                fieldStarted = true
            case ",":
                row.append(field)
                field = ""
                fieldStarted = false
            case "\r":
                guard chars.popFirst() == "\n" else { throw MalformedCSV(detail: "CR without LF after \(field)") }
                row.append(field)
                rows.append(row)
                row = []
                field = ""
                fieldStarted = false
            case "\n":
                throw MalformedCSV(detail: "a bare LF ends a row after \(field)")
            default:
                field.unicodeScalars.append(c)
                fieldStarted = true
            }
        }
        guard !quoted, row.isEmpty, field.isEmpty else { throw MalformedCSV(detail: "the export does not end with a complete row") }
        return rows
    }
}

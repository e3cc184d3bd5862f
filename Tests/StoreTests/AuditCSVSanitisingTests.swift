import Engine
import Foundation
import Runbook
import SQLiteCore
@testable import Store
import XCTest

/// The CSV export lets nothing through raw that would act on a terminal or a spreadsheet, or
/// hide or reorder what an auditor reads: control characters (C0, DEL, C1), bidirectional
/// overrides and isolates, zero-width and other default-ignorable characters, line and paragraph
/// separators, and bytes that are not UTF-8 — even in rows written around Handrail, whose input
/// validation would have refused them. Ordinary text past ASCII is kept as it is.
final class AuditCSVSanitisingTests: StoreTestCase {
    func exportCSV(_ store: HandrailStore) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try AuditExporter(store: store).export(AuditFilter(), format: .csv) { bytes += $0 }
        return bytes
    }

    func testHiddenAndReorderingCharactersWrittenAroundHandrailAreShownNotPassedThrough() throws {
        let store = try makeStore()
        try append(store, [event("HR-1", reason: "Zoë called from Malmö, ticket SUP-1")], after: 0)
        let raw = try RawConnection(databasePath)
        let hash = "X'" + String(repeating: "00", count: 32) + "'"
        try raw.execute("""
        INSERT INTO events (seq, time, actor, case_id, case_seq, subject, type, reason, payload, prev_hash, hash) VALUES
        (2, '2026-05-17T10:00:01.000Z', 'mallory', 'HR-1', 2, 'ada\u{202E}moc.elpmaxe@', 'note.added', 'ok\u{2066}fine\u{2069} and\u{200B}so', '{}', \(hash), \(hash)),
        (3, '2026-05-17T10:00:02.000Z', 'mal\u{FEFF}lory', 'HR-1', 3, 'ada@example.com', 'note.added', 'line\u{2028}break \u{0085}next\u{E0001}', '{}', \(hash), \(hash)),
        (4, '2026-05-17T10:00:03.000Z', CAST(X'6D61FF6C' AS TEXT), 'HR-1', 4, 'ada@example.com', 'note.added', CAST(X'6265EF62' AS TEXT), '{}', \(hash), \(hash));
        """)
        let bytes = try exportCSV(store)
        let text = String(decoding: bytes, as: UTF8.self)
        for scalar in text.unicodeScalars {
            XCTAssertFalse(CSVEncoder.hidden(scalar) || (0x80...0x9F).contains(scalar.value) || scalar == "\u{FFFD}",
                           "a raw U+\(String(scalar.value, radix: 16, uppercase: true)) in the export:\n\(text)")
        }
        XCTAssertNotNil(String(validating: bytes, as: UTF8.self), "the export is UTF-8 throughout")
        for shown in [#"ada\u{202E}moc.elpmaxe@"#, #"ok\u{2066}fine\u{2069} and\u{200B}so"#, #"mal\u{FEFF}lory"#,
                      #"line\u{2028}break \x85next\u{E0001}"#, #"ma\xFFl"#, #"be\xEFb"#] {
            XCTAssertTrue(text.contains(shown), "\(shown) not in:\n\(text)")
        }
        XCTAssertTrue(text.contains("Zoë called from Malmö, ticket SUP-1"), "ordinary letters past ASCII stay as they are")
    }

    func testAnOrdinaryCellNeedsNoEscapingAndAQuotedOneStillDoublesItsQuotes() throws {
        let store = try makeStore()
        try append(store, [event("HR-2", reason: "Caller said \"urgent\", twice"), event("HR-2", reason: "ok\u{200D}\"x\"")], after: 0)
        let text = String(decoding: try exportCSV(store), as: UTF8.self)
        XCTAssertTrue(text.contains(#","Caller said ""urgent"", twice","#), text)
        XCTAssertTrue(text.contains(#","ok\u{200D}""x""","#), text)
    }
}

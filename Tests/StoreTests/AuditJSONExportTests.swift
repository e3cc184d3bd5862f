import Engine
import Foundation
import Runbook
import SQLiteCore
@testable import Store
import XCTest

/// The JSON export written from the rows' bytes says exactly what the object-by-object export
/// said (`AuditExporter.jsonObject(row).exportText` per row), for canonical payloads copied
/// through and for rows written around Handrail (a payload not in canonical form, text that is
/// not UTF-8), which take the general path; and nothing invisible reaches the output raw.
final class AuditJSONExportTests: StoreTestCase {
    func exportJSON(_ store: HandrailStore, _ filter: AuditFilter = AuditFilter()) throws -> String {
        var bytes: [UInt8] = []
        try AuditExporter(store: store).export(filter, format: .json) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The export as it was written before: every row through a JSONValue and `exportText`.
    func reference(_ store: HandrailStore, _ filter: AuditFilter = AuditFilter()) throws -> String {
        var text = "["
        var count = 0
        try store.auditRows(filter) { row in
            text += (count == 0 ? "\n" : ",\n") + AuditExporter.jsonObject(row).exportText
            count += 1
        }
        return text + "\n]\n"
    }

    func testRowsExportExactlyAsTheirJSONObjectsDid() throws {
        let store = try makeStore()
        try append(store, [
            event("HR-1", type: "case.opened", reason: nil, payload: ["runbook": .string("mfa-recovery"), "runbookVersion": .number(1)]),
            event("HR-1", subject: "sam\u{202E}moc.elpmaxe@ada", reason: "Caller said \"now\"\nthen \\ hung up\u{200D}",
                  payload: ["values": .object(["reference": .string("SUP-1\u{3164}"), "n": .number(-7)]), "list": .array([.bool(true), .null]),
                            "é": .string("Zoë 🙂\u{E0001}")]),
            event("HR-1", type: "note.added", actor: "bob", reason: "", payload: [:]),
        ], after: 0)
        XCTAssertEqual(try exportJSON(store), try reference(store))
        let filtered = AuditFilter(eventTypes: ["note.added"])
        XCTAssertEqual(try exportJSON(store, filtered), try reference(store, filtered))
        XCTAssertEqual(try exportJSON(store, AuditFilter(eventTypes: ["nothing.matches"])), "[\n]\n")
    }

    /// The attack: bidi and invisible characters in recorded text, to make an auditor read
    /// something else. Escaped in the export, and the export still reads back to the same values.
    func testInvisibleAndBidiCharactersNeverReachTheExportRaw() throws {
        let store = try makeStore()
        try append(store, [event("HR-2", subject: "ada\u{202E}moc", reason: "ok\u{2066}\u{200B}", payload: ["v": .string("x\u{FEFF}\u{E0001}y")])], after: 0)
        let exported = try exportJSON(store)
        for scalar in exported.unicodeScalars where scalar.value > 0x7E {
            XCTFail("a raw U+\(String(scalar.value, radix: 16)) in the export")
        }
        let rows = try XCTUnwrap(JSON5Parser.parse(exported).plain.arrayValue)
        XCTAssertEqual(rows[0]["subject"], .string("ada\u{202E}moc"))
        XCTAssertEqual(rows[0]["reason"], .string("ok\u{2066}\u{200B}"))
        XCTAssertEqual(rows[0]["payload"], .object(["v": .string("x\u{FEFF}\u{E0001}y")]))
    }

    /// Rows written with the sqlite3 shell, not by Handrail: their payloads are not canonical
    /// text and their columns not always UTF-8. The export is what the general path made of them.
    func testRowsWrittenAroundHandrailTakeTheGeneralPath() throws {
        let store = try makeStore()
        try append(store, [event("HR-3")], after: 0)
        let raw = try RawConnection(databasePath)
        let hash = "X'" + String(repeating: "00", count: 32) + "'"
        try raw.execute("""
        INSERT INTO events (seq, time, actor, case_id, case_seq, subject, type, reason, payload, prev_hash, hash) VALUES
        (2, '2026-05-17T10:00:01.000Z', 'mallory', 'HR-3', 2, 'ada@example.com', 'note.added', NULL, '{ "b": 1.5, "a": "x\u{202E}" }', \(hash), \(hash)),
        (3, '2026-05-17T10:00:02.000Z', CAST(X'6D61FF6C' AS TEXT), 'HR-3', 3, 'ada@example.com', 'note.added', 'r', 'not json at all', \(hash), \(hash)),
        (4, '2026-05-17T10:00:03.000Z', 'mallory', 'HR-3', 4, 'ada@example.com', 'note.added', 'r', CAST(X'7B2261223A2262FF227D' AS TEXT), \(hash), \(hash));
        """)
        let exported = try exportJSON(store)
        XCTAssertEqual(exported, try reference(store))
        XCTAssertTrue(exported.contains(#""payload":{"a":"x\u202e","b":1.5}"#), exported)
        XCTAssertTrue(exported.contains(#""payload":"not json at all""#), exported)
        XCTAssertFalse(exported.unicodeScalars.contains("\u{202E}"))
    }
}

import Foundation
import Runbook

/// One event of the JSON export, written from the row's bytes: exactly the text
/// `AuditExporter.jsonObject(row).exportText` gives, without building the JSONValue, a String per
/// column, or parsing the payload and encoding it again. The payload is stored as canonical text,
/// which is already the export's spelling once invisible characters are escaped, so it is copied
/// through `CanonicalJSON.appendExport`; a payload outside the canonical form (written by hand,
/// say) and a column that is not UTF-8 take the general path, so the output is the same.
enum JSONExportRow {
    /// Columns in `AuditRow.columnNames` order: seq, time, actor, case, subject, event, reason,
    /// payload, hash. The object's keys in code-point order, as `exportText` writes them.
    static func append(_ columns: RawColumns, to out: inout [UInt8]) {
        put("{\"actor\":", &out); string(columns, 2, &out)
        put(",\"case\":", &out); string(columns, 3, &out)
        put(",\"event\":", &out); string(columns, 5, &out)
        put(",\"hash\":", &out); string(columns, 8, &out)
        put(",\"payload\":", &out)
        columns.withBytes(7) { payload in
            let mark = out.count
            if !CanonicalJSON.appendExport(payload, to: &out) {
                out.removeSubrange(mark...)
                let text = String(decoding: payload, as: UTF8.self)
                out.append(contentsOf: ((try? JSON5Parser.parse(text))?.plain ?? .string(text)).exportText.utf8)
            }
        }
        put(",\"reason\":", &out)
        if columns.isNull(6) { put("null", &out) } else { string(columns, 6, &out) }
        put(",\"seq\":", &out)
        columns.withBytes(0) { out.append(contentsOf: $0) }
        put(",\"subject\":", &out); string(columns, 4, &out)
        put(",\"time\":", &out); string(columns, 1, &out)
        put("}", &out)
    }

    private static func put(_ ascii: StaticString, _ out: inout [UInt8]) {
        out.append(contentsOf: UnsafeRawBufferPointer(start: ascii.utf8Start, count: ascii.utf8CodeUnitCount))
    }

    private static func string(_ columns: RawColumns, _ index: Int32, _ out: inout [UInt8]) {
        columns.withBytes(index) { bytes in
            let mark = out.count
            if !CanonicalJSON.appendExportString(bytes, to: &out) {
                out.removeSubrange(mark...)
                out.append(contentsOf: JSONValue.string(String(decoding: bytes, as: UTF8.self)).exportText.utf8)
            }
        }
    }
}

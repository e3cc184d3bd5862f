import Engine
import Foundation
import Runbook

/// Writes the audit rows matching a filter as CSV or JSON, streamed in 64 KiB chunks to `sink`:
/// the command line sends them to stdout, the wizard to a file. Memory stays flat however many
/// rows there are.
public struct AuditExporter {
    public enum Format: String, Sendable, CaseIterable {
        case csv, json
    }

    public let store: HandrailStore

    public init(store: HandrailStore) {
        self.store = store
    }

    /// Returns the number of rows written.
    @discardableResult
    public func export(_ filter: AuditFilter, format: Format, sink: @escaping ([UInt8]) -> Void) throws -> Int {
        let out = ChunkedSink(sink)
        var count = 0
        switch format {
        case .csv:
            let csv = CSVEncoder(out)
            csv.row(AuditRow.columnNames)
            try store.auditRowsRaw(filter) { columns in
                for index in 0..<columns.count {
                    columns.withBytes(index) { csv.cell($0, first: index == 0) }
                }
                csv.endRow()
                count += 1
            }
        case .json:
            out.append("[")
            var object: [UInt8] = []
            object.reserveCapacity(4096)
            try store.auditRowsRaw(filter) { columns in
                object.removeAll(keepingCapacity: true)
                if count > 0 { object.append(0x2C) }
                object.append(0x0A)
                JSONExportRow.append(columns, to: &object)
                object.withUnsafeBytes { out.append($0) }
                out.endChunkIfFull()
                count += 1
            }
            out.append("\n]\n")
        }
        out.flush()
        return count
    }
}

/// Collects bytes and hands them on in large chunks. Raw memory rather than an array property:
/// appending to a class's array property pays Swift's dynamic exclusivity check on every byte.
final class ChunkedSink {
    private let buffer: UnsafeMutableRawPointer
    private var count = 0
    private let sink: ([UInt8]) -> Void
    static let chunk = 1 << 16

    init(_ sink: @escaping ([UInt8]) -> Void) {
        self.sink = sink
        buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.chunk, alignment: 16)
    }

    deinit {
        buffer.deallocate()
    }

    func append(_ text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let n = min(remaining, Self.chunk - count)
            (buffer + count).copyMemory(from: base, byteCount: n)
            count += n
            base += n
            remaining -= n
            if count == Self.chunk { flush() }
        }
    }

    func append(_ byte: UInt8) {
        if count == Self.chunk { flush() }
        buffer.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    func endChunkIfFull() {
        if count >= Self.chunk - 4096 { flush() }
    }

    func flush() {
        guard count > 0 else { return }
        sink(Array(UnsafeRawBufferPointer(start: buffer, count: count)))
        count = 0
    }
}

/// CSV that is safe to open in a spreadsheet: RFC 4180 quoting, and cells that a spreadsheet
/// would take for a formula (starting with =, +, -, @, tab or CR) prefixed with an apostrophe
/// (OWASP "CSV injection"). Works on bytes, so ten million rows cost no String per cell.
final class CSVEncoder {
    private let out: ChunkedSink

    init(_ out: ChunkedSink) {
        self.out = out
    }

    func row(_ cells: [String]) {
        for (i, cell) in cells.enumerated() {
            var text = cell
            text.withUTF8 { self.cell(UnsafeRawBufferPointer($0), first: i == 0) }
        }
        endRow()
    }

    func cell(_ bytes: UnsafeRawBufferPointer, first: Bool) {
        if !first { out.append(UInt8(ascii: ",")) }
        let neutralise = bytes.first.map(Self.startsFormula) ?? false
        // One pass over the cell: whether it needs quotes, and whether anything in it must not
        // reach a spreadsheet or a terminal raw (a control character; past ASCII, see `hides`).
        var quote = neutralise, escape = false, beyondASCII = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: ","), UInt8(ascii: "\""), 0x0A, 0x0D: quote = true
            case 0x09: break
            case 0..<0x20, 0x7F: escape = true
            case 0x80...: beyondASCII = true
            default: break
            }
        }
        if beyondASCII && !escape { escape = Self.hides(bytes) }
        guard quote || escape else { return out.append(bytes) }
        if quote { out.append(UInt8(ascii: "\"")) }
        if neutralise { out.append(UInt8(ascii: "'")) }
        if escape {
            appendEscaping(bytes)
        } else {
            // Copy the runs between quotes whole, doubling each quote.
            var start = 0
            for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: "\"") {
                out.append(UnsafeRawBufferPointer(rebasing: bytes[start...i]))
                out.append(byte)
                start = i + 1
            }
            out.append(UnsafeRawBufferPointer(rebasing: bytes[start...]))
        }
        if quote { out.append(UInt8(ascii: "\"")) }
    }

    /// Input validation keeps control and invisible characters out of everything recorded;
    /// should one be in the log anyway (written by older code, or around Handrail with the
    /// sqlite3 shell), an export opened in a spreadsheet or printed on a terminal must still not
    /// act on it or hide behind it: a control character (C0, DEL, C1) is written as visible
    /// `\xNN` text, a character that hides or reorders text (`hidden`) as `\u{XXXX}`, and a byte
    /// that is not UTF-8 as `\xNN`.
    private func appendEscaping(_ bytes: UnsafeRawBufferPointer) {
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                out.append(byte)
                out.append(byte)
                i += 1
            } else if byte < 0x80 {
                if Self.isControl(byte) { appendHex(UInt32(byte), prefix: "\\x", width: 2) } else { out.append(byte) }
                i += 1
            } else if let (scalar, length) = UTF8Scalar.decode(bytes, at: i) {
                if (0x80...0x9F).contains(scalar.value) {
                    appendHex(scalar.value, prefix: "\\x", width: 2)
                } else if Self.hidden(scalar) {
                    appendHex(scalar.value, prefix: "\\u{", width: 4)
                    out.append(UInt8(ascii: "}"))
                } else {
                    out.append(UnsafeRawBufferPointer(rebasing: bytes[i..<(i + length)]))
                }
                i += length
            } else {
                appendHex(UInt32(byte), prefix: "\\x", width: 2)
                i += 1
            }
        }
    }

    private func appendHex(_ value: UInt32, prefix: StaticString, width: Int) {
        out.append(UnsafeRawBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
        let digits = Array(String(value, radix: 16, uppercase: true).utf8)
        for _ in digits.count..<max(width, digits.count) { out.append(UInt8(ascii: "0")) }
        for digit in digits { out.append(digit) }
    }

    /// Whether text past ASCII holds a C1 control, a character that hides or reorders text
    /// (`hidden`), or bytes that are not UTF-8.
    static func hides(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        while i < bytes.count {
            guard bytes[i] >= 0x80 else { i += 1; continue }
            guard let (scalar, length) = UTF8Scalar.decode(bytes, at: i) else { return true }
            if (0x80...0x9F).contains(scalar.value) || hidden(scalar) { return true }
            i += length
        }
        return false
    }

    /// Format characters (the bidirectional overrides and isolates among them), every other
    /// default-ignorable code point (the one definition the fields are checked with,
    /// `FieldValidator.isInvisible`), and the line and paragraph separators.
    static func hidden(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\u{2028}" || scalar == "\u{2029}" || FieldValidator.isInvisible(scalar)
    }

    /// C0 controls other than the line breaks and tab a CSV cell may hold, and DEL.
    static func isControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F
    }

    func endRow() {
        out.append(0x0D)
        out.append(0x0A)
        out.endChunkIfFull()
    }

    static func startsFormula(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "=") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "@")
            || byte == 0x09 || byte == 0x0D
    }
}

extension AuditExporter {
    /// One event as the JSON export (and `audit --follow`) writes it.
    public static func jsonObject(_ row: AuditRow) -> JSONValue {
        .object([
            "seq": .number(Double(row.seq)), "time": .string(row.time), "actor": .string(row.actor), "case": .string(row.caseID),
            "subject": .string(row.subject), "event": .string(row.type), "reason": row.reason.map(JSONValue.string) ?? .null,
            "payload": (try? JSON5Parser.parse(row.payload))?.plain ?? .string(row.payload), "hash": .string(row.hash),
        ])
    }
}

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
        let quote = neutralise || bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        let control = bytes.contains(where: Self.isControl) || Self.containsC1(bytes)
        guard quote || control else { return out.append(bytes) }
        if quote { out.append(UInt8(ascii: "\"")) }
        if neutralise { out.append(UInt8(ascii: "'")) }
        if control {
            appendEscapingControls(bytes)
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

    /// Input validation keeps control characters out of everything recorded; should one be in
    /// the log anyway (written by older code, or by hand), an export printed on a terminal must
    /// still not act on it: it is written as visible `\xNN` text instead.
    private func appendEscapingControls(_ bytes: UnsafeRawBufferPointer) {
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                out.append(byte)
                out.append(byte)
            } else if Self.isControl(byte) || (byte == 0xC2 && i + 1 < bytes.count && (0x80...0x9F).contains(bytes[i + 1])) {
                let value = byte == 0xC2 ? bytes[i + 1] : byte
                if byte == 0xC2 { i += 1 }
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "x"))
                let hex = Array("0123456789ABCDEF".utf8)
                out.append(hex[Int(value >> 4)])
                out.append(hex[Int(value & 0xF)])
            } else {
                out.append(byte)
            }
            i += 1
        }
    }

    /// C0 controls other than the line breaks and tab a CSV cell may hold, and DEL.
    static func isControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F
    }

    /// C1 controls (U+0080–U+009F) in UTF-8: 0xC2 followed by 0x80…0x9F.
    static func containsC1(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count > 1 else { return false }
        for i in 0..<(bytes.count - 1) where bytes[i] == 0xC2 && (0x80...0x9F).contains(bytes[i + 1]) { return true }
        return false
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

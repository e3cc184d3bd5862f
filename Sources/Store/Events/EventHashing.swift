import Foundation

/// The audit chain: hash = SHA-256(previous hash ‖ canonical bytes of the event).
///
/// The canonical bytes are a JSON object with its keys in code-point order and no spaces,
/// built byte by byte from the stored columns exactly as stored:
///
///     {"actor":…,"case":…,"caseSeq":N,"payload":<payload as stored>,"reason":…|null,
///      "seq":N,"subject":…,"time":…,"type":…}
///
/// Strings escape `"`, `\` and bytes below 0x20 only, which is enough for the encoding to be
/// unambiguous. Verifying needs no JSON parsing, and any change to any column of any event
/// changes its hash and breaks every link after it.
public struct EventHashing {
    public static let genesis = [UInt8](repeating: 0, count: 32)

    /// Reused between events so hashing a long log allocates nothing per event.
    private var buffer: [UInt8] = []

    public init() {
        buffer.reserveCapacity(1024)
    }

    public struct Fields {
        public var seq: Int64
        public var caseSeq: Int64
        public var time: UnsafeRawBufferPointer
        public var actor: UnsafeRawBufferPointer
        public var caseID: UnsafeRawBufferPointer
        public var subject: UnsafeRawBufferPointer
        public var type: UnsafeRawBufferPointer
        /// nil for a null reason.
        public var reason: UnsafeRawBufferPointer?
        public var payload: UnsafeRawBufferPointer
    }

    public mutating func hash(previous: [UInt8], _ f: Fields) -> [UInt8] {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: previous)
        append("{\"actor\":"); appendString(f.actor)
        append(",\"case\":"); appendString(f.caseID)
        append(",\"caseSeq\":"); appendInteger(f.caseSeq)
        append(",\"payload\":"); buffer.append(contentsOf: f.payload)
        append(",\"reason\":")
        if let reason = f.reason { appendString(reason) } else { append("null") }
        append(",\"seq\":"); appendInteger(f.seq)
        append(",\"subject\":"); appendString(f.subject)
        append(",\"time\":"); appendString(f.time)
        append(",\"type\":"); appendString(f.type)
        append("}")
        return buffer.withUnsafeBytes { bytes in
            var hasher = SHA256()
            hasher.update(bytes)
            return hasher.finalize()
        }
    }

    /// Convenience for events in hand as Swift strings (the append path).
    public mutating func hash(previous: [UInt8], seq: Int64, caseSeq: Int64, time: String, actor: String, caseID: String,
                              subject: String, type: String, reason: String?, payload: String) -> [UInt8] {
        var time = time, actor = actor, caseID = caseID, subject = subject, type = type, payload = payload
        var reason = reason
        return time.withUTF8 { t in actor.withUTF8 { a in caseID.withUTF8 { c in subject.withUTF8 { s in
            type.withUTF8 { ty in payload.withUTF8 { p in
                let fields = { (r: UnsafeRawBufferPointer?) in
                    Fields(seq: seq, caseSeq: caseSeq, time: .init(t), actor: .init(a), caseID: .init(c), subject: .init(s),
                           type: .init(ty), reason: r, payload: .init(p))
                }
                if reason != nil {
                    return reason!.withUTF8 { r in self.hash(previous: previous, fields(.init(r))) }
                }
                return self.hash(previous: previous, fields(nil))
            } }
        } } } }
    }

    private mutating func append(_ ascii: String) {
        buffer.append(contentsOf: ascii.utf8)
    }

    private mutating func appendString(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(0x22)
        // Most fields need no escaping: copy them whole.
        if !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            buffer.append(contentsOf: bytes)
        } else {
            for byte in bytes {
                switch byte {
                case 0x22: buffer.append(0x5C); buffer.append(0x22)
                case 0x5C: buffer.append(0x5C); buffer.append(0x5C)
                case 0..<0x20:
                    buffer.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0xF)]])
                default: buffer.append(byte)
                }
            }
        }
        buffer.append(0x22)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Decimal digits of a non-negative or negative integer, without a String in between.
    private mutating func appendInteger(_ value: Int64) {
        if value < 0 { buffer.append(0x2D) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[count] = UInt8(48 + magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for i in stride(from: count - 1, through: 0, by: -1) { buffer.append(d[i]) }
        }
    }
}

import Foundation
import Hashing

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
public final class EventHashing {
    public static let genesis = [UInt8](repeating: 0, count: 32)

    /// The canonical bytes of the event being hashed, reused between events: hashing a long
    /// log allocates nothing per event. Raw memory, because this loop runs ten million times.
    private var buffer: UnsafeMutableRawPointer
    private var capacity = 4096
    private var count = 0

    public init() {
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        buffer.deallocate()
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

        public init(seq: Int64, caseSeq: Int64, time: UnsafeRawBufferPointer, actor: UnsafeRawBufferPointer,
                    caseID: UnsafeRawBufferPointer, subject: UnsafeRawBufferPointer, type: UnsafeRawBufferPointer,
                    reason: UnsafeRawBufferPointer?, payload: UnsafeRawBufferPointer) {
            self.seq = seq
            self.caseSeq = caseSeq
            self.time = time
            self.actor = actor
            self.caseID = caseID
            self.subject = subject
            self.type = type
            self.reason = reason
            self.payload = payload
        }
    }

    public func hash(previous: [UInt8], _ f: Fields) -> [UInt8] {
        previous.withUnsafeBytes { prev in
            [UInt8](unsafeUninitializedCapacity: 32) { out, count in
                hash(previous: prev, f, into: UnsafeMutableRawBufferPointer(out))
                count = 32
            }
        }
    }

    /// The hash of an event, written into `out` (32 bytes) without allocating: the verify loop.
    public func hash(previous: UnsafeRawBufferPointer, _ f: Fields, into out: UnsafeMutableRawBufferPointer) {
        withCanonicalBytes(previous: previous, f) { bytes in
            var hasher = SHA256()
            hasher.update(bytes)
            hasher.finalize(into: out)
        }
    }

    /// How many bytes the last hash covered (previous hash and canonical event): what
    /// `audit verify` reports as hashed.
    public var lastHashedCount: Int { count }

    /// Calls `body` with exactly the bytes an event's hash covers: previous hash ‖ canonical event.
    public func withCanonicalBytes<R>(previous: UnsafeRawBufferPointer, _ f: Fields, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        // Room for the worst case (every string byte escaped as \u00XX) is reserved once, and the
        // bytes are written through a local cursor: no capacity check or property access per byte.
        let strings = f.actor.count + f.caseID.count + f.subject.count + f.time.count + f.type.count + (f.reason?.count ?? 0)
        count = 0
        reserve(previous.count + f.payload.count + 6 * strings + 160)
        var at = buffer
        Self.copy(previous, to: &at)
        Self.copy("{\"actor\":", to: &at); Self.string(f.actor, to: &at)
        Self.copy(",\"case\":", to: &at); Self.string(f.caseID, to: &at)
        Self.copy(",\"caseSeq\":", to: &at); Self.integer(f.caseSeq, to: &at)
        Self.copy(",\"payload\":", to: &at); Self.copy(f.payload, to: &at)
        Self.copy(",\"reason\":", to: &at)
        if let reason = f.reason { Self.string(reason, to: &at) } else { Self.copy("null", to: &at) }
        Self.copy(",\"seq\":", to: &at); Self.integer(f.seq, to: &at)
        Self.copy(",\"subject\":", to: &at); Self.string(f.subject, to: &at)
        Self.copy(",\"time\":", to: &at); Self.string(f.time, to: &at)
        Self.copy(",\"type\":", to: &at); Self.string(f.type, to: &at)
        Self.copy("}", to: &at)
        count = at - buffer
        return body(UnsafeRawBufferPointer(start: buffer, count: count))
    }

    /// Convenience for events in hand as Swift strings (the append path).
    public func hash(previous: [UInt8], seq: Int64, caseSeq: Int64, time: String, actor: String, caseID: String,
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

    // MARK: - Building the canonical bytes

    @inline(__always)
    private func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        var newCapacity = capacity * 2
        while newCapacity < count + extra { newCapacity *= 2 }
        let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        grown.copyMemory(from: buffer, byteCount: count)
        buffer.deallocate()
        buffer = grown
        capacity = newCapacity
    }

    @inline(__always)
    private static func copy(_ bytes: UnsafeRawBufferPointer, to at: inout UnsafeMutableRawPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        at.copyMemory(from: base, byteCount: bytes.count)
        at += bytes.count
    }

    @inline(__always)
    private static func copy(_ ascii: StaticString, to at: inout UnsafeMutableRawPointer) {
        copy(UnsafeRawBufferPointer(start: ascii.utf8Start, count: ascii.utf8CodeUnitCount), to: &at)
    }

    @inline(__always)
    private static func byte(_ byte: UInt8, to at: inout UnsafeMutableRawPointer) {
        at.storeBytes(of: byte, as: UInt8.self)
        at += 1
    }

    private static func string(_ bytes: UnsafeRawBufferPointer, to at: inout UnsafeMutableRawPointer) {
        byte(0x22, to: &at)
        // Most fields need no escaping: found in one pass, copied whole.
        var clean = true
        for b in bytes where b < 0x20 || b == 0x22 || b == 0x5C {
            clean = false
            break
        }
        if clean {
            copy(bytes, to: &at)
        } else {
            for b in bytes {
                switch b {
                case 0x22: byte(0x5C, to: &at); byte(0x22, to: &at)
                case 0x5C: byte(0x5C, to: &at); byte(0x5C, to: &at)
                case 0..<0x20:
                    copy("\\u00", to: &at)
                    byte(hexDigits[Int(b >> 4)], to: &at)
                    byte(hexDigits[Int(b & 0xF)], to: &at)
                default: byte(b, to: &at)
                }
            }
        }
        byte(0x22, to: &at)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Decimal digits of an integer, without a String in between.
    private static func integer(_ value: Int64, to at: inout UnsafeMutableRawPointer) {
        if value < 0 { byte(0x2D, to: &at) }
        var magnitude = value.magnitude
        var digits = 1
        var scale: UInt64 = 1
        while magnitude / scale >= 10 { scale *= 10; digits += 1 }
        for i in 0..<digits {
            (at + digits - 1 - i).storeBytes(of: UInt8(48 + magnitude % 10), as: UInt8.self)
            magnitude /= 10
        }
        at += digits
    }
}

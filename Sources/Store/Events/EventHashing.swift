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
        count = 0
        put(previous)
        put("{\"actor\":"); putString(f.actor)
        put(",\"case\":"); putString(f.caseID)
        put(",\"caseSeq\":"); putInteger(f.caseSeq)
        put(",\"payload\":"); put(f.payload)
        put(",\"reason\":")
        if let reason = f.reason { putString(reason) } else { put("null") }
        put(",\"seq\":"); putInteger(f.seq)
        put(",\"subject\":"); putString(f.subject)
        put(",\"time\":"); putString(f.time)
        put(",\"type\":"); putString(f.type)
        put("}")
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
    private func put(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (buffer + count).copyMemory(from: base, byteCount: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    private func put(_ ascii: StaticString) {
        put(UnsafeRawBufferPointer(start: ascii.utf8Start, count: ascii.utf8CodeUnitCount))
    }

    @inline(__always)
    private func putByte(_ byte: UInt8) {
        reserve(1)
        buffer.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    private func putString(_ bytes: UnsafeRawBufferPointer) {
        putByte(0x22)
        // Most fields need no escaping: copy them whole.
        if !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            put(bytes)
        } else {
            for byte in bytes {
                switch byte {
                case 0x22: putByte(0x5C); putByte(0x22)
                case 0x5C: putByte(0x5C); putByte(0x5C)
                case 0..<0x20:
                    for b in [0x5C, 0x75, 0x30, 0x30, Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0xF)]] { putByte(b) }
                default: putByte(byte)
                }
            }
        }
        putByte(0x22)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Decimal digits of an integer, without a String in between.
    private func putInteger(_ value: Int64) {
        if value < 0 { putByte(0x2D) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes: room for 20 digits
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = UInt8(48 + magnitude % 10)
                magnitude /= 10
                n += 1
            } while magnitude > 0
            reserve(n)
            for i in 0..<n { buffer.storeBytes(of: d[n - 1 - i], toByteOffset: count + i, as: UInt8.self) }
        }
        count += n
    }
}

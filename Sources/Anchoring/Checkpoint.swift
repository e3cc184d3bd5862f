import Engine
import Foundation
import Hashing

/// A statement, signed under the anchor key of its epoch, that the log of one database had
/// `seq` events ending in the hash `head` at `time`. Checkpoints leave the machine (the system
/// log, an append-only file): a log later re-chained, truncated or rolled back no longer has
/// the (seq, head) a checkpoint recorded, and whoever changed it cannot sign a new checkpoint
/// for an epoch that has passed, because that epoch's key no longer exists on the machine.
///
/// One line of text, canonical (exactly one spelling is accepted), so it survives syslog and
/// can be found in any file a collector writes:
///
///     handrail-checkpoint v1 db=ID seq=N head=HEX time=YYYY-MM-DDTHH:MM:SS.sssZ epoch=E prev=HEX mac=HEX
///     handrail-checkpoint v2 db=ID seq=N head=HEX time=… epoch=E prev=HEX cases=HR-1,HR-2 mac=HEX
///
/// Version 2 adds, inside what the MAC covers, the cases with events after the previous
/// checkpoint's seq up to this one's (sorted; `-` for none; at most `maximumCases`, then `+K` for
/// the K more), so that a replica behind the last checkpoint is told which cases it lacks, not only
/// which sequence numbers. Version 1 lines (no `cases`) are still read and verified.
///
/// `mac` is HMAC-SHA256 (RFC 2104) under K(epoch) of everything before " mac="; `prev` is the
/// SHA-256 of the previous checkpoint's whole line (32 zero bytes before the first), so the
/// checkpoints form a chain of their own and one removed from the middle is noticed.
public struct Checkpoint: Sendable, Equatable {
    public static let marker = "handrail-checkpoint v"
    public static let maximumCases = 64

    public var databaseID: String
    public var seq: Int64
    public var head: [UInt8]
    /// Milliseconds since 1970, UTC (the log's own precision).
    public var timeMilliseconds: Int64
    public var epoch: UInt64
    public var previous: [UInt8]
    /// Version 2: the cases covered since the previous checkpoint (a last element `+K`: K more
    /// not named). Nil: a version 1 line.
    public var cases: [String]?
    public var mac: [UInt8]

    public static let noPrevious = [UInt8](repeating: 0, count: 32)

    /// Signs a checkpoint under `key`, the anchor key of `epoch`.
    public init(databaseID: String, seq: Int64, head: [UInt8], timeMilliseconds: Int64, epoch: UInt64, previous: [UInt8],
                cases: [String]? = nil, key: [UInt8]) {
        self.cases = cases.map(Self.bounded)
        self.databaseID = databaseID
        self.seq = seq
        self.head = head
        self.timeMilliseconds = timeMilliseconds
        self.epoch = epoch
        self.previous = previous
        mac = []
        mac = HMACSHA256.authenticate(key: key, message: Array(signedText.utf8))
    }

    /// What the MAC covers: the line up to (not including) " mac=".
    public var signedText: String {
        let common = "db=\(databaseID) seq=\(seq) head=\(head.hexString) time=\(CheckpointTime.format(timeMilliseconds)) epoch=\(epoch) prev=\(previous.hexString)"
        guard let cases else { return Self.marker + "1 " + common }
        return Self.marker + "2 " + common + " cases=" + (cases.isEmpty ? "-" : cases.joined(separator: ","))
    }

    /// Sorted, without duplicates, at most `maximumCases` named and then `+K`.
    static func bounded(_ cases: [String]) -> [String] {
        if cases.last?.hasPrefix("+") == true { return cases }
        let sorted = Array(Set(cases)).sorted()
        guard sorted.count > maximumCases else { return sorted }
        return Array(sorted.prefix(maximumCases)) + ["+\(sorted.count - maximumCases)"]
    }

    /// What a case id may be in a checkpoint: no space, comma or control character.
    static func isCaseID(_ id: Substring) -> Bool {
        !id.isEmpty && id.count <= 64 && id.unicodeScalars.allSatisfy { $0.value > 32 && $0.value < 127 && $0 != "," }
    }

    public var line: String { signedText + " mac=" + mac.hexString }

    /// The hash the next checkpoint records as `prev`.
    public var hash: [UInt8] { SHA256.hash(Array(line.utf8)) }

    /// Whether the MAC is right under `key` (compared in constant time).
    public func isSigned(by key: [UInt8]) -> Bool {
        let expected = HMACSHA256.authenticate(key: key, message: Array(signedText.utf8))
        guard expected.count == mac.count else { return false }
        return zip(expected, mac).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Reads the checkpoint in `text`, which may carry a prefix (a syslog header, a collector's
    /// timestamp) before the marker. Nil when the text has no marker; `.malformed` when it has
    /// one but what follows is not a canonical checkpoint (an edited line).
    public static func find(in text: Substring) -> Found {
        guard let start = text.range(of: marker) else { return .none }
        var body = text[start.lowerBound...]
        while let last = body.last, last == "\n" || last == "\r" || last == " " { body = body.dropLast() }
        guard let parsed = parse(String(body)) else { return .malformed }
        return .checkpoint(parsed)
    }

    public enum Found: Equatable {
        case none
        case malformed
        case checkpoint(Checkpoint)
    }

    /// A checkpoint line, exactly as `line` writes it, or nil.
    public static func parse(_ line: String) -> Checkpoint? {
        let version: Int
        if line.hasPrefix(marker + "1 ") { version = 1 } else if line.hasPrefix(marker + "2 ") { version = 2 } else { return nil }
        let words = line.dropFirst(marker.count + 2).split(separator: " ", omittingEmptySubsequences: false)
        let keys = version == 1 ? ["db", "seq", "head", "time", "epoch", "prev", "mac"] : ["db", "seq", "head", "time", "epoch", "prev", "cases", "mac"]
        guard words.count == keys.count else { return nil }
        var values: [String] = []
        for (word, key) in zip(words, keys) {
            guard word.hasPrefix(key + "=") else { return nil }
            values.append(String(word.dropFirst(key.count + 1)))
        }
        guard DatabaseID.isValid(values[0]), let seq = Int64(values[1]), seq >= 0, let head = [UInt8](hex: values[2]), head.count == 32,
              let time = CheckpointTime.parse(values[3]), let epoch = UInt64(values[4]),
              let previous = [UInt8](hex: values[5]), previous.count == 32, let mac = [UInt8](hex: values[keys.count - 1]), mac.count == 32
        else { return nil }
        var cases: [String]?
        if version == 2 {
            let list = values[6] == "-" ? [] : values[6].split(separator: ",", omittingEmptySubsequences: false)
            guard list.allSatisfy(isCaseID) else { return nil }
            cases = list.map(String.init)
        }
        var checkpoint = Checkpoint(databaseID: values[0], seq: seq, head: head, timeMilliseconds: time, epoch: epoch, previous: previous,
                                    cases: cases, key: [])
        checkpoint.mac = mac
        // Canonical only: any other spelling of the same numbers is an edited line.
        return checkpoint.line == line ? checkpoint : nil
    }
}

/// A database's identity in its checkpoints: chosen at random by `anchor init`.
public enum DatabaseID {
    public static func isValid(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64 && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

/// Checkpoint times: UTC, milliseconds, one fixed spelling.
public enum CheckpointTime {
    public static func format(_ ms: Int64) -> String {
        EventTime.format(milliseconds: ms)
    }

    /// The milliseconds of a time in the one spelling; nil for any other (an edited line).
    public static func parse(_ text: String) -> Int64? {
        guard let ms = EventTime.parseMilliseconds(text), format(ms) == text else { return nil }
        return ms
    }

    public static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hexadecimal digits only, two per byte.
    public init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ d: UInt8) -> UInt8? {
            switch d {
            case 0x30...0x39: return d - 0x30
            case 0x61...0x66: return d - 0x61 + 10
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let hi = value(digits[i]), let lo = value(digits[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        self = out
    }
}

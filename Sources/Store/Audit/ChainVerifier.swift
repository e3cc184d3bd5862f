import Engine
import Foundation
import SQLiteCore

/// Walks the whole event log and checks the hash chain: sequence numbers without gaps, each
/// event's previous hash equal to the stored hash before it, each hash recomputed from the
/// stored columns, and the last event matching the recorded chain head. An edited, deleted,
/// reordered, inserted or truncated row, or a replaced head, is found and named by sequence.
///
/// Every check of a row needs only that row and the stored hash of the row before it, so a
/// long log is split into ranges verified in parallel, each on its own read connection; the
/// links across range boundaries are checked after. Memory stays flat: rows are streamed.
public struct ChainVerifier {
    public struct Report: Sendable, Equatable {
        public var eventsChecked: Int64
        public var bytesHashed: Int64
        public var headSeq: Int64
        public var headHash: [UInt8]
        public var problem: Problem?
        /// The first event dated more than `HandrailStore.clockSkewAllowance` before the event
        /// just before it: appends refuse that, so the clock was set back or the row was written
        /// around Handrail. Found in the same pass as the hashes, not by another scan of the log.
        public var timeRegression: TimeRegression?
    }

    public struct TimeRegression: Sendable, Equatable {
        public var seq: Int64
        public var time: String
        public var previousTime: String
    }

    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The first sequence number at which the log is not what was written.
        public var seq: Int64
        public var reason: String
        public var description: String { "first bad sequence \(seq): \(reason)" }
    }

    public let store: HandrailStore
    /// Logs shorter than this are verified on one connection; splitting costs more than it saves.
    public var parallelThreshold: Int64 = 200_000
    /// When set, event times are checked too: an event dated more than this before an earlier
    /// event is a problem (the clock turned back, or an event inserted). Decisions are dated
    /// before their commit, so concurrent operators' events may be out of order by moments.
    public var timeTolerance: TimeInterval?

    public init(store: HandrailStore) {
        self.store = store
    }

    /// - Parameter progress: called about every `progressInterval` events with the count so far
    ///   (from whichever worker crosses the mark).
    public func verify(progressInterval: Int64 = 100_000, progress: @escaping @Sendable (Int64) -> Void = { _ in }) throws -> Report {
        // One read transaction pins what "the log" is: the head and the last sequence number
        // come from one snapshot (https://sqlite.org/isolation.html). Read apart, an append
        // committed between the two reads looks like events added outside Handrail (or
        // truncated) while operators are working. Rows up to that last sequence number never
        // change once committed (the log is append-only), so workers on their own connections,
        // with later snapshots, read the same rows.
        try store.db.read { try verifyInSnapshot(progressInterval: progressInterval, progress: progress) }
    }

    private func verifyInSnapshot(progressInterval: Int64, progress: @escaping @Sendable (Int64) -> Void) throws -> Report {
        let head = try store.chainHead()
        let lastSeq = try store.db.scalarInt("SELECT max(seq) FROM events") ?? 0
        let workers = lastSeq < parallelThreshold ? 1 : max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        let ranges: [ClosedRange<Int64>] = (0..<workers).map { i in
            let lo = 1 + lastSeq * Int64(i) / Int64(workers)
            let hi = lastSeq * Int64(i + 1) / Int64(workers)
            return lo...max(lo, hi)
        }
        let results = RangeResults(count: workers, progressInterval: progressInterval, progress: progress)
        let path = store.path
        let tolerance = timeTolerance
        if workers == 1 {
            results.store(0, Self.verifyRange(ranges[0], last: lastSeq, database: store.db, results: results, timeTolerance: tolerance))
        } else {
            DispatchQueue.concurrentPerform(iterations: workers) { i in
                do {
                    let db = try Database(path: path, mode: .readOnly)
                    // A sequential scan gains nothing from a large page cache; keep memory flat.
                    try db.execute("PRAGMA cache_size = -256")
                    results.store(i, Self.verifyRange(ranges[i], last: lastSeq, database: db, results: results, timeTolerance: tolerance))
                } catch {
                    results.store(i, RangeOutcome(error: error))
                }
            }
        }
        var checked: Int64 = 0, bytes: Int64 = 0
        var problem: Problem?
        var regression: TimeRegression?
        // The latest time of every range before this one: against it, a walk back in small steps
        // across a boundary is a regression as surely as one jump (this range's earliest event is
        // the one to compare), and it comes before the range's own.
        var latestBefore: [UInt8]?
        for (i, outcome) in results.outcomes.enumerated() {
            defer {
                if let last = outcome.lastTime, latestBefore.map({ $0.lexicographicallyPrecedes(last) }) ?? true { latestBefore = last }
            }
            if regression == nil, let earliest = outcome.earliestTime, let before = latestBefore, Self.regressed(earliest.time, after: before) {
                regression = TimeRegression(seq: earliest.seq, time: String(decoding: earliest.time, as: UTF8.self),
                                            previousTime: String(decoding: before, as: UTF8.self))
            }
            if regression == nil { regression = outcome.regression }
            if let error = outcome.error { throw error }
            checked += outcome.checked
            bytes += outcome.bytes
            if problem == nil, let p = outcome.problem { problem = p }
            // The link across the boundary: this range's first previous-hash is the last hash of the one before.
            if problem == nil, i > 0, outcome.firstPrevious != results.outcomes[i - 1].lastHash {
                problem = Problem(seq: ranges[i].lowerBound,
                                  reason: "its previous hash does not match the hash of event \(ranges[i].lowerBound - 1): an event before it was changed, removed or reordered")
            }
            // Times across the boundary: this range's earliest event against the latest before it.
            if problem == nil, let tolerance, let first = outcome.earliestTime?.time, let before = latestBefore,
               let why = Self.timeProblem(String(decoding: first, as: UTF8.self), after: String(decoding: before, as: UTF8.self), tolerance: tolerance) {
                problem = Problem(seq: ranges[i].lowerBound, reason: why)
            }
            if problem != nil { break }
        }
        let lastHash = results.outcomes.last?.lastHash ?? EventHashing.genesis
        if problem == nil, head.seq != lastSeq {
            problem = Problem(seq: min(head.seq, lastSeq) + 1, reason: head.seq > lastSeq
                ? "the log ends at \(lastSeq) but its head records \(head.seq): events were truncated"
                : "the log runs to \(lastSeq) but its head records \(head.seq): events were added outside Handrail")
        }
        if problem == nil, head.hash != lastHash {
            problem = Problem(seq: lastSeq, reason: "the last event does not match the recorded chain head: the head was replaced")
        }
        return Report(eventsChecked: checked, bytesHashed: bytes, headSeq: head.seq, headHash: head.hash, problem: problem,
                      timeRegression: regression)
    }

    /// Whether `time` is more than `HandrailStore.clockSkewAllowance` before `previous` (both as
    /// stored): text order is time order for the stored spelling, so only an out-of-order pair is parsed.
    static func regressed(_ time: some Collection<UInt8>, after previous: some Collection<UInt8>) -> Bool {
        guard time.lexicographicallyPrecedes(previous) else { return false }
        let t = Array(time), p = Array(previous)
        guard let tm = t.withUnsafeBytes({ EventTime.parse(utf8: $0) }), let pm = p.withUnsafeBytes({ EventTime.parse(utf8: $0) }) else { return false }
        return pm.timeIntervalSince(tm) > HandrailStore.clockSkewAllowance
    }

    static func timeProblem(_ time: String, after latest: String, tolerance: TimeInterval) -> String? {
        guard time < latest, let t = EventTime.parse(time), let l = EventTime.parse(latest), l.timeIntervalSince(t) > tolerance else { return nil }
        return "it is dated \(time), \(Int(l.timeIntervalSince(t))) s before an earlier event (\(latest)): event times went backwards"
    }

    static func verifyRange(_ range: ClosedRange<Int64>, last: Int64, database db: Database, results: RangeResults,
                            timeTolerance: TimeInterval? = nil) -> RangeOutcome {
        var outcome = RangeOutcome()
        do {
            let statement = try db.prepare("""
            SELECT seq, case_seq, time, actor, case_id, subject, type, reason, payload, prev_hash, hash
            FROM events WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq
            """)
            try statement.bind([.integer(range.lowerBound), .integer(last == 0 ? 0 : range.upperBound)])
            let hashing = EventHashing()
            var expected = range.lowerBound
            var previous = [UInt8](repeating: 0, count: 32)
            var computed = [UInt8](repeating: 0, count: 32)
            var sinceReport: Int64 = 0
            var latestTime: [UInt8]?
            while try statement.step() {
                let seq = statement.int64(0)
                if seq != expected {
                    let what = seq > expected ? "missing (deleted): the log jumps from \(expected - 1) to \(seq)"
                        : "out of order: \(seq) follows \(expected - 1)"
                    outcome.problem = Problem(seq: expected, reason: "event \(what)")
                    return outcome
                }
                let linked: Bool = statement.withBytes(9) { stored in
                    if seq == range.lowerBound {
                        outcome.firstPrevious = Array(stored)
                        return seq != 1 || stored.elementsEqual(EventHashing.genesis)
                    }
                    return stored.count == 32 && previous.withUnsafeBytes { memcmp($0.baseAddress!, stored.baseAddress!, 32) == 0 }
                }
                if !linked {
                    outcome.problem = Problem(seq: seq, reason: "its previous hash does not match the hash of event \(seq - 1): an event before it was changed, removed or reordered")
                    return outcome
                }
                // Hash over the stored previous hash, so each row is checked on its own.
                statement.withBytes(9) { prev in
                    statement.withBytes(2) { time in statement.withBytes(3) { actor in statement.withBytes(4) { caseID in
                        statement.withBytes(5) { subject in statement.withBytes(6) { type in statement.withBytes(8) { payload in
                            let reason: UnsafeRawBufferPointer? = statement.isNull(7) ? nil : statement.withBytes(7) { $0 }
                            computed.withUnsafeMutableBytes { out in
                                hashing.hash(previous: prev, .init(seq: seq, caseSeq: statement.int64(1), time: time, actor: actor,
                                                                   caseID: caseID, subject: subject, type: type, reason: reason,
                                                                   payload: payload), into: out)
                            }
                            outcome.bytes += Int64(hashing.lastHashedCount)
                        } } }
                    } } }
                }
                let matches: Bool = statement.withBytes(10) { stored in
                    stored.count == 32 && computed.withUnsafeBytes { memcmp($0.baseAddress!, stored.baseAddress!, 32) == 0 }
                }
                if !matches {
                    outcome.problem = Problem(seq: seq, reason: "its content does not match its hash: the event was edited")
                    return outcome
                }
                // `latestTime` is the latest time so far in this range (ISO 8601 UTC in one fixed
                // width sorts as text, so only an out-of-order row is parsed). An event dated before
                // it is measured against it, however small each step back was: a regression for the
                // report beyond the skew allowance, a problem beyond the caller's tolerance.
                let behind: [UInt8]? = statement.withBytes(2) { time in
                    guard let latest = latestTime else {
                        latestTime = Array(time)
                        outcome.earliestTime = (Array(time), seq)
                        return nil
                    }
                    if let earliest = outcome.earliestTime, time.lexicographicallyPrecedes(earliest.time) {
                        outcome.earliestTime = (Array(time), seq)
                    }
                    if latest.lexicographicallyPrecedes(time) {
                        latestTime!.removeAll(keepingCapacity: true)
                        latestTime!.append(contentsOf: time)
                        return nil
                    }
                    if latest.elementsEqual(time) { return nil }
                    if outcome.regression == nil, regressed(time, after: latest) {
                        outcome.regression = TimeRegression(seq: seq, time: String(decoding: time, as: UTF8.self),
                                                            previousTime: String(decoding: latest, as: UTF8.self))
                    }
                    return latest
                }
                if let timeTolerance, let latest = behind,
                   let why = timeProblem(statement.string(2), after: String(decoding: latest, as: UTF8.self), tolerance: timeTolerance) {
                    outcome.problem = Problem(seq: seq, reason: why)
                    return outcome
                }
                swap(&previous, &computed)
                outcome.checked += 1
                expected += 1
                sinceReport += 1
                if sinceReport >= 4096 {
                    results.advance(by: sinceReport)
                    sinceReport = 0
                }
            }
            results.advance(by: sinceReport)
            if last > 0 && expected <= range.upperBound {
                outcome.problem = Problem(seq: expected, reason: "event missing (deleted): the log ends at \(expected - 1) before \(range.upperBound)")
            }
            outcome.lastHash = outcome.checked > 0 ? previous : outcome.firstPrevious ?? EventHashing.genesis
            outcome.lastTime = latestTime
        } catch {
            outcome.error = error
        }
        return outcome
    }
}

struct RangeOutcome: @unchecked Sendable {
    var checked: Int64 = 0
    var bytes: Int64 = 0
    var problem: ChainVerifier.Problem?
    var firstPrevious: [UInt8]?
    var lastHash: [UInt8] = EventHashing.genesis
    /// The range's earliest event time and its seq, to compare with the ranges before it.
    var earliestTime: (time: [UInt8], seq: Int64)?
    /// The latest event time in the range.
    var lastTime: [UInt8]?
    var regression: ChainVerifier.TimeRegression?
    var error: Error?

    init() {}
    init(error: Error) { self.error = error }
}

/// Where the workers leave their outcomes and report progress.
final class RangeResults: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var outcomes: [RangeOutcome]
    private var done: Int64 = 0
    private var nextReport: Int64
    private let interval: Int64
    private let progress: @Sendable (Int64) -> Void

    init(count: Int, progressInterval: Int64, progress: @escaping @Sendable (Int64) -> Void) {
        outcomes = Array(repeating: RangeOutcome(), count: count)
        interval = max(1, progressInterval)
        nextReport = interval
        self.progress = progress
    }

    func store(_ index: Int, _ outcome: RangeOutcome) {
        lock.withLock { outcomes[index] = outcome }
    }

    func advance(by count: Int64) {
        let report: Int64? = lock.withLock {
            done += count
            guard done >= nextReport else { return nil }
            nextReport = (done / interval + 1) * interval
            return done
        }
        if let report { progress(report) }
    }
}

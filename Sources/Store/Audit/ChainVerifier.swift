import Foundation

/// Walks the whole event log and checks the hash chain: sequence numbers without gaps, each
/// event's previous hash equal to the hash before it, each hash recomputed from the stored
/// columns, and the last event matching the recorded chain head. An edited, deleted,
/// reordered, inserted or truncated row, or a replaced head, is found and named by sequence.
public struct ChainVerifier {
    public struct Report: Sendable, Equatable {
        public var eventsChecked: Int64
        public var bytesHashed: Int64
        public var head: (seq: Int64, hash: [UInt8])
        public var problem: Problem?

        public static func == (lhs: Report, rhs: Report) -> Bool {
            lhs.eventsChecked == rhs.eventsChecked && lhs.bytesHashed == rhs.bytesHashed && lhs.head.seq == rhs.head.seq
                && lhs.head.hash == rhs.head.hash && lhs.problem == rhs.problem
        }
    }

    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The first sequence number at which the log is not what was written.
        public var seq: Int64
        public var reason: String
        public var description: String { "first bad sequence \(seq): \(reason)" }
    }

    public let store: HandrailStore

    public init(store: HandrailStore) {
        self.store = store
    }

    /// - Parameter progress: called every `progressInterval` events with the count so far.
    public func verify(progressInterval: Int64 = 100_000, progress: (Int64) -> Void = { _ in }) throws -> Report {
        let recordedHead = try store.chainHead()
        let statement = try store.db.prepare("""
        SELECT seq, case_seq, time, actor, case_id, subject, type, reason, payload, prev_hash, hash FROM events ORDER BY seq
        """)
        var hashing = EventHashing()
        var expectedSeq: Int64 = 1
        var previous = EventHashing.genesis
        var checked: Int64 = 0
        var bytes: Int64 = 0
        func report(_ problem: Problem?) -> Report {
            Report(eventsChecked: checked, bytesHashed: bytes, head: recordedHead, problem: problem)
        }
        while try statement.step() {
            let seq = statement.int64(0)
            if seq != expectedSeq {
                let what = seq > expectedSeq ? "missing (deleted) — the log jumps from \(expectedSeq - 1) to \(seq)"
                    : "out of order — \(seq) follows \(expectedSeq - 1)"
                return report(Problem(seq: expectedSeq, reason: "event \(what)"))
            }
            let storedPrevious = statement.bytes(9)
            if storedPrevious != previous {
                return report(Problem(seq: seq, reason: "its previous hash does not match the hash of event \(seq - 1): an event before it was changed, removed or reordered"))
            }
            let computed: [UInt8] = statement.withBytes(2) { time in statement.withBytes(3) { actor in
                statement.withBytes(4) { caseID in statement.withBytes(5) { subject in statement.withBytes(6) { type in
                    statement.withBytes(8) { payload in
                        let reason: UnsafeRawBufferPointer? = statement.isNull(7) ? nil
                            : statement.withBytes(7) { $0 } // valid until the next step
                        bytes += Int64(time.count + actor.count + caseID.count + subject.count + type.count + payload.count + (reason?.count ?? 0))
                        return hashing.hash(previous: previous, .init(seq: seq, caseSeq: statement.int64(1), time: time, actor: actor,
                                                                      caseID: caseID, subject: subject, type: type, reason: reason,
                                                                      payload: payload))
                    }
                } } }
            } }
            if computed != statement.bytes(10) {
                return report(Problem(seq: seq, reason: "its content does not match its hash: the event was edited"))
            }
            previous = computed
            checked += 1
            expectedSeq += 1
            if checked % progressInterval == 0 { progress(checked) }
        }
        if recordedHead.seq != checked {
            let problemSeq = min(recordedHead.seq, checked) + 1
            return report(Problem(seq: problemSeq, reason: recordedHead.seq > checked
                ? "the log ends at \(checked) but its head records \(recordedHead.seq): events were truncated"
                : "the log runs to \(checked) but its head records \(recordedHead.seq): events were added outside Handrail"))
        }
        if recordedHead.hash != previous {
            return report(Problem(seq: checked, reason: "the last event does not match the recorded chain head: the head was replaced"))
        }
        return report(nil)
    }
}

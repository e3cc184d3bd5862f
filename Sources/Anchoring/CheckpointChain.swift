import Foundation

/// The checkpoints found in a file (the checkpoint file, or whatever file a syslog collector
/// writes: any line holding a checkpoint counts, whatever header precedes it), checked from
/// K(0) alone: each MAC under its epoch's key, epochs consecutive from 0, each checkpoint
/// naming the previous one's hash, one database, seq and time never going backwards.
public struct CheckpointChain {
    public struct Entry: Sendable, Equatable {
        public var checkpoint: Checkpoint
        /// 1-based line in the file.
        public var line: Int
    }

    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var epoch: UInt64?
        public var line: Int?
        public var reason: String

        public var description: String {
            var at: [String] = []
            if let epoch { at.append("checkpoint epoch \(epoch)") }
            if let line { at.append("line \(line)") }
            return (at.isEmpty ? "" : at.joined(separator: ", ") + ": ") + reason
        }
    }

    public var entries: [Entry] = []
    public var problem: Problem?

    /// The file did not end in a newline: its last line was being written as it was read (a
    /// reader may see part of another process's append) and is left out.
    public var incompleteLastLine = false

    public init(text: String, k0: [UInt8]) {
        var byEpoch: [UInt64: Entry] = [:]
        var number = 0
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if let last = lines.last, !last.isEmpty {
            lines.removeLast()
            incompleteLastLine = true
        }
        for line in lines {
            number += 1
            switch Checkpoint.find(in: line) {
            case .none: continue
            case .malformed:
                problem = Problem(epoch: nil, line: number, reason: "not a well-formed checkpoint: the line was edited or forged")
                return
            case .checkpoint(let c):
                if let seen = byEpoch[c.epoch] {
                    if seen.checkpoint != c {
                        problem = Problem(epoch: c.epoch, line: number,
                                          reason: "differs from the checkpoint of the same epoch on line \(seen.line): one of them was forged or edited")
                        return
                    }
                } else {
                    byEpoch[c.epoch] = Entry(checkpoint: c, line: number)
                }
            }
        }
        guard !byEpoch.isEmpty else {
            problem = Problem(epoch: nil, line: nil, reason: "no checkpoints found")
            return
        }
        var key = k0
        var expected: UInt64 = 0
        var previous: Entry?
        for entry in byEpoch.values.sorted(by: { $0.checkpoint.epoch < $1.checkpoint.epoch }) {
            let c = entry.checkpoint
            guard c.epoch == expected else {
                problem = Problem(epoch: expected, line: nil,
                                  reason: "missing: the file goes from epoch \(expected == 0 ? "(start)" : String(expected - 1)) to epoch \(c.epoch) (line \(entry.line)); a line was removed, or a sink failure was reported when it was written")
                return
            }
            guard c.isSigned(by: key) else {
                problem = Problem(epoch: c.epoch, line: entry.line,
                                  reason: "its MAC does not verify under the key of epoch \(c.epoch) derived from K0: forged or edited")
                return
            }
            if let p = previous?.checkpoint {
                let why: String? = c.previous != p.hash ? "does not name the previous checkpoint's hash"
                    : c.databaseID != p.databaseID ? "is for database \(c.databaseID), not \(p.databaseID)"
                    : c.seq < p.seq ? "anchors event \(c.seq), before the previous checkpoint's \(p.seq): the log went backwards"
                    : c.timeMilliseconds < p.timeMilliseconds ? "is dated \(CheckpointTime.format(c.timeMilliseconds)), before the previous checkpoint (\(CheckpointTime.format(p.timeMilliseconds)))"
                    : nil
                if let why {
                    problem = Problem(epoch: c.epoch, line: entry.line, reason: why)
                    return
                }
            } else if c.previous != Checkpoint.noPrevious {
                problem = Problem(epoch: c.epoch, line: entry.line, reason: "the first checkpoint names a previous one")
                return
            }
            entries.append(entry)
            previous = entry
            key = AnchorKey.next(key)
            expected += 1
        }
    }
}

import Foundation
import Runbook

/// How far the replica is behind the live database: the last transaction Litestream has taken
/// from the WAL against the last one the replica holds, and the newest event in the log against
/// when the replica was last written (a stopped Litestream reads nothing more, so its own count
/// alone would call a dead replica up to date). A replica is "behind" while there is something it
/// does not hold; how long it has been behind is the time since it was last written.
struct ReplicationLag: Sendable, Equatable {
    var replicaTransaction: UInt64?
    var localTransaction: UInt64?
    var lastWritten: Date?
    /// When the newest event in the live log was appended.
    var newestEvent: Date?
    var now: Date
    var warnAfterSeconds: Int

    /// How far apart an event and the replica's last write may be and the event still count as
    /// replicated: none where the replica's files carry exact times (a folder), one second where
    /// Litestream reports them to the second (object storage).
    var slackSeconds: TimeInterval

    /// `preciseLastWrite`: the replica's newest file's modification time, where it can be read.
    init(files: [Litestream.ReplicaFile], preciseLastWrite: Date?, localTransaction: UInt64?, newestEvent: Date?, now: Date,
         warnAfterSeconds: Int) {
        self.newestEvent = newestEvent
        replicaTransaction = files.map(\.maxTXID).max()
        lastWritten = files.isEmpty ? nil : preciseLastWrite ?? files.map(\.written).max()
        slackSeconds = preciseLastWrite == nil ? 1 : 0
        self.localTransaction = localTransaction
        self.now = now
        self.warnAfterSeconds = warnAfterSeconds
    }

    var transactionsBehind: UInt64 {
        guard let local = localTransaction else { return 0 }
        return local > (replicaTransaction ?? 0) ? local - (replicaTransaction ?? 0) : 0
    }

    /// Whether the log holds an event newer than the replica's last write.
    var logAhead: Bool {
        guard let newestEvent else { return false }
        guard let lastWritten else { return true }
        return newestEvent.timeIntervalSince(lastWritten) > slackSeconds
    }

    var behind: Bool { transactionsBehind > 0 || logAhead }

    /// Seconds the replica has been behind (0 when it holds everything).
    var secondsBehind: Int {
        guard behind else { return 0 }
        guard let lastWritten else { return Int.max }
        return max(0, Int(now.timeIntervalSince(lastWritten)))
    }

    var warning: Bool { replicaTransaction == nil || secondsBehind > warnAfterSeconds }

    var sentence: String {
        guard let replicaTransaction, let lastWritten else {
            return "WARNING: the replica holds no backup yet: is litestream replicate running?"
        }
        let written = "the replica was last written \(Int(now.timeIntervalSince(lastWritten))) s ago"
        if !behind {
            return "up to date: the replica holds transaction \(replicaTransaction), the last Litestream has read; \(written)"
        }
        let head = transactionsBehind > 0
            ? "\(transactionsBehind) transaction(s) behind: the replica holds up to \(replicaTransaction), Litestream has read up to \(localTransaction ?? 0); \(written)"
            : "behind: the log has events newer than the replica's last write (is litestream replicate running?); \(written)"
        return warning ? "WARNING: \(head) (more than \(warnAfterSeconds) s)" : head
    }

    var json: JSONValue {
        var object: [String: JSONValue] = [
            "behind": .bool(behind),
            "transactionsBehind": .number(Double(transactionsBehind)),
            "secondsBehind": .number(Double(secondsBehind == Int.max ? -1 : secondsBehind)),
            "warning": .bool(warning),
            "warnAfterSeconds": .number(Double(warnAfterSeconds)),
        ]
        if let replicaTransaction { object["replicaTransaction"] = .number(Double(replicaTransaction)) }
        if let localTransaction { object["localTransaction"] = .number(Double(localTransaction)) }
        if let lastWritten { object["replicaWrittenAt"] = .string(ISO8601DateFormatter().string(from: lastWritten)) }
        return .object(object)
    }
}

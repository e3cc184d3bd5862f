import Foundation

/// A sink that did not take a checkpoint, and how many it now owes.
public struct SinkFailure: Sendable, Equatable, CustomStringConvertible {
    public var sink: String
    public var reason: String
    /// Checkpoints waiting for this sink, this one included.
    public var pending: Int

    public var description: String {
        "checkpoint not delivered to \(sink): \(reason) (\(pending) waiting; each is sent again, in order, with the next checkpoint)"
    }
}

/// Hands each checkpoint to every sink, never dropping one: a sink that fails keeps the
/// checkpoint in a backlog beside the key (`KEY.backlog`, one "sink TAB line" per waiting
/// checkpoint), and the backlog goes out first, in epoch order, with the next checkpoint.
/// Runs inside the signer's lock, so two processes never interleave their deliveries.
public final class CheckpointPublisher {
    public let sinks: [CheckpointSink]
    public let backlogPath: String

    public init(sinks: [CheckpointSink], backlogPath: String) {
        self.sinks = sinks
        self.backlogPath = backlogPath
    }

    public func deliver(_ checkpoint: Checkpoint) -> [SinkFailure] {
        var backlog = Self.read(backlogPath)
        var failures: [SinkFailure] = []
        var changed = false
        for sink in sinks {
            let waiting = (backlog[sink.name] ?? []) + [checkpoint]
            var sent = 0
            var failure: String?
            for c in waiting {
                do {
                    try sink.deliver(c)
                    sent += 1
                } catch {
                    failure = error.description
                    break
                }
            }
            let left = Array(waiting.dropFirst(sent))
            if left != (backlog[sink.name] ?? []) { changed = true }
            backlog[sink.name] = left.isEmpty ? nil : left
            if let failure { failures.append(SinkFailure(sink: sink.name, reason: failure, pending: left.count)) }
        }
        if changed {
            if let problem = Self.write(backlog, to: backlogPath) {
                failures.append(SinkFailure(sink: "backlog", reason: problem, pending: backlog.values.map(\.count).reduce(0, +)))
            }
        }
        return failures
    }

    /// Checkpoints waiting for each sink: what `audit verify` reports.
    public static func pending(backlogPath: String) -> [String: [Checkpoint]] {
        read(backlogPath)
    }

    static func read(_ path: String) -> [String: [Checkpoint]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var out: [String: [Checkpoint]] = [:]
        for line in text.split(separator: "\n") {
            guard let tab = line.firstIndex(of: "\t"), let c = Checkpoint.parse(String(line[line.index(after: tab)...])) else { continue }
            out[String(line[..<tab]), default: []].append(c)
        }
        return out
    }

    static func write(_ backlog: [String: [Checkpoint]], to path: String) -> String? {
        let text = backlog.keys.sorted().flatMap { sink in backlog[sink]!.map { "\(sink)\t\($0.line)\n" } }.joined()
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return "cannot write \(temporary): \(String(cString: strerror(errno)))" }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, bytes.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            return "cannot write \(path): \(String(cString: strerror(errno)))"
        }
        return nil
    }
}

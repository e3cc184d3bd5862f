import Foundation
import Hashing

/// Unlocked mode's anchor key: a file beside the database, 0600, holding the key of the next
/// epoch and the last checkpoint's seq, time and hash. Every signing runs under an exclusive
/// `flock(2)` on the file, so operators' processes sign one after another, epochs never repeat
/// and the sinks see checkpoints in order.
///
/// The record has a fixed size and is overwritten in place (`pwrite` at offset 0, then `fsync`)
/// rather than replaced by a rename: the old key's bytes are written over, not left in a freed
/// block of a file that no longer has a name (fsync(2): the data reach the device before it
/// returns). A copy-on-write filesystem may still keep old blocks; locked mode, where only the
/// anchor account can read the file, is the answer there.
public final class KeyFileSigner: CheckpointSigner {
    public let path: String
    static let recordSize = 512

    public init(path: String) {
        self.path = path
    }

    struct State: Equatable {
        var databaseID: String
        var epoch: UInt64
        var key: [UInt8]
        var previous: [UInt8]
        var seq: Int64
        var time: Int64

        var text: String {
            "handrail-anchor-key v1\ndb=\(databaseID)\nepoch=\(epoch)\nkey=\(key.hexString)\nprev=\(previous.hexString)\nseq=\(seq)\ntime=\(time)\n"
        }

        init(databaseID: String, epoch: UInt64, key: [UInt8], previous: [UInt8], seq: Int64, time: Int64) {
            self.databaseID = databaseID
            self.epoch = epoch
            self.key = key
            self.previous = previous
            self.seq = seq
            self.time = time
        }

        init?(text: String) {
            let lines = text.split(separator: "\n").map(String.init)
            guard lines.count >= 7, lines[0] == "handrail-anchor-key v1" else { return nil }
            var fields: [String: String] = [:]
            for line in lines.dropFirst().prefix(6) {
                guard let eq = line.firstIndex(of: "=") else { return nil }
                fields[String(line[..<eq])] = String(line[line.index(after: eq)...])
            }
            guard let db = fields["db"], DatabaseID.isValid(db), let epoch = fields["epoch"].flatMap(UInt64.init),
                  let key = fields["key"].flatMap([UInt8].init(hex:)), key.count == AnchorKey.byteCount,
                  let previous = fields["prev"].flatMap([UInt8].init(hex:)), previous.count == 32,
                  let seq = fields["seq"].flatMap(Int64.init), let time = fields["time"].flatMap(Int64.init) else { return nil }
            self.init(databaseID: db, epoch: epoch, key: key, previous: previous, seq: seq, time: time)
        }
    }

    /// Creates the key file for a new anchor with K(0) = `k0`. Refuses to replace an existing
    /// one: a second `anchor init` would let whoever runs it start a chain of their own.
    public static func create(path: String, databaseID: String, k0: [UInt8]) throws(AnchorError) -> KeyFileSigner {
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw .alreadyInitialised(path) }
            throw .io(path, String(cString: strerror(errno)))
        }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let state = State(databaseID: databaseID, epoch: 0, key: k0, previous: Checkpoint.noPrevious, seq: -1, time: Int64.min)
        try write(state, to: fd)
        syncDirectory(of: path)
        return KeyFileSigner(path: path)
    }

    public func status() throws(AnchorError) -> AnchorStatus {
        let state = try withLockedFile(exclusive: false) { (_, state) throws(AnchorError) in state }
        return AnchorStatus(databaseID: state.databaseID, nextEpoch: state.epoch, lastSeq: state.seq, lastTimeMilliseconds: state.time)
    }

    public func sign(seq: Int64, head: [UInt8], time: Int64, cases: [String]?, force: Bool, deliver: (Checkpoint) -> Void) throws(AnchorError) -> Checkpoint? {
        try withLockedFile(exclusive: true) { (fd, state) throws(AnchorError) -> Checkpoint? in
            if seq < state.seq { throw .rolledBack(anchored: state.seq, log: seq) }
            if seq == state.seq && !force { return nil }
            // A checkpoint dated before the last one would break the chain of checkpoints
            // (`CheckpointChain` reports it); none is signed instead.
            if time < state.time { throw .datedBeforeLast(anchored: state.time, requested: time) }
            let checkpoint = Checkpoint(databaseID: state.databaseID, seq: seq, head: head, timeMilliseconds: time, epoch: state.epoch,
                                        previous: state.previous, cases: cases, key: state.key)
            // K(epoch) is overwritten by K(epoch + 1) before the checkpoint is handed on.
            let next = State(databaseID: state.databaseID, epoch: state.epoch + 1, key: AnchorKey.next(state.key), previous: checkpoint.hash,
                             seq: seq, time: time)
            try Self.write(next, to: fd)
            deliver(checkpoint)
            return checkpoint
        }
    }

    private func withLockedFile<R>(exclusive: Bool, _ body: (Int32, State) throws(AnchorError) -> R) throws(AnchorError) -> R {
        let fd = open(path, (exclusive ? O_RDWR : O_RDONLY) | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw .notInitialised(path) }
            throw .unreadable(path, String(cString: strerror(errno)))
        }
        defer { close(fd) }
        while flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0 {
            guard errno == EINTR else { throw .io(path, "cannot lock: \(String(cString: strerror(errno)))") }
        }
        var buffer = [UInt8](repeating: 0, count: Self.recordSize)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, Self.recordSize, 0) }
        guard n > 0, let state = State(text: String(decoding: buffer.prefix(n).prefix { $0 != 0 }, as: UTF8.self)) else {
            throw .unreadable(path, "not an anchor key file")
        }
        return try body(fd, state)
    }

    private static func write(_ state: State, to fd: Int32) throws(AnchorError) {
        var record = Array(state.text.utf8)
        record += [UInt8](repeating: 0, count: recordSize - record.count)
        let written = record.withUnsafeBytes { pwrite(fd, $0.baseAddress, recordSize, 0) }
        guard written == recordSize, fsync(fd) == 0 else { throw .io("anchor key", "cannot write: \(String(cString: strerror(errno)))") }
    }

    static func syncDirectory(of path: String) {
        let dir = (path as NSString).deletingLastPathComponent
        let fd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}

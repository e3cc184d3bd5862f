import Foundation

/// Where the anchor key lives, behind the two things the application may ask of it. In
/// unlocked mode `KeyFileSigner` reads and evolves a 0600 key file beside the database. In
/// locked mode the database's account cannot read the key: a small fixed helper, run as a
/// separate anchor account, answers the same two requests (one line in, one line out,
/// `AnchorRequest`), and `HelperSigner` asks it, so the key never enters the process that
/// writes the log.
public protocol CheckpointSigner {
    /// The last checkpoint signed: for the heartbeat's "is one due?", no key needed.
    func status() throws(AnchorError) -> AnchorStatus

    /// Signs the next checkpoint of the log at (`seq`, `head`), dated `time`, and evolves the key.
    /// Nil when the last checkpoint already covers `seq` and `force` is false. Throws
    /// `.rolledBack` when `seq` is below what was already anchored: the log went backwards.
    /// `deliver` runs while the key is still held, so checkpoints reach the sinks in epoch order
    /// whichever process signs them.
    /// `cases`: the cases with events since the last checkpoint, recorded in it (a version 2
    /// line); nil writes a version 1 line.
    func sign(seq: Int64, head: [UInt8], time: Int64, cases: [String]?, force: Bool, deliver: (Checkpoint) -> Void) throws(AnchorError) -> Checkpoint?
}

extension CheckpointSigner {
    /// A version 1 checkpoint: no cases.
    public func sign(seq: Int64, head: [UInt8], time: Int64, force: Bool, deliver: (Checkpoint) -> Void) throws(AnchorError) -> Checkpoint? {
        try sign(seq: seq, head: head, time: time, cases: nil, force: force, deliver: deliver)
    }
}

/// The anchor's public state: no key.
public struct AnchorStatus: Sendable, Equatable {
    public var databaseID: String
    /// The epoch the next checkpoint will be signed in.
    public var nextEpoch: UInt64
    public var lastSeq: Int64
    public var lastTimeMilliseconds: Int64

    public init(databaseID: String, nextEpoch: UInt64, lastSeq: Int64, lastTimeMilliseconds: Int64) {
        self.databaseID = databaseID
        self.nextEpoch = nextEpoch
        self.lastSeq = lastSeq
        self.lastTimeMilliseconds = lastTimeMilliseconds
    }
}

public enum AnchorError: Error, Equatable, CustomStringConvertible {
    /// No anchor key: `handrail anchor init` has not been run for this database.
    case notInitialised(String)
    case alreadyInitialised(String)
    case unreadable(String, String)
    case io(String, String)
    case rolledBack(anchored: Int64, log: Int64)
    /// A checkpoint asked for with a time before the last one signed.
    case datedBeforeLast(anchored: Int64, requested: Int64)
    /// The anchor helper refused a request or could not be run.
    case helper(String)

    public var description: String {
        switch self {
        case .notInitialised(let path): return "no anchor key at \(path): run handrail anchor init"
        case .alreadyInitialised(let path): return "an anchor key already exists at \(path); it is never replaced"
        case .unreadable(let path, let why): return "the anchor key \(path) cannot be read: \(why)"
        case .io(let path, let why): return "\(path): \(why)"
        case .rolledBack(let anchored, let log):
            return "the log ends at event \(log) but event \(anchored) was already anchored: the log was rolled back or truncated"
        case .datedBeforeLast(let anchored, let requested):
            return "a checkpoint dated \(CheckpointTime.format(requested)) would be before the last one (\(CheckpointTime.format(anchored))): the clock went backwards"
        case .helper(let why): return "the anchor helper: \(why)"
        }
    }
}

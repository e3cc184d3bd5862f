import Foundation

/// The helper's side: answers one request from the key file it alone can read. It keeps its
/// own state (the key file's last seq and time), so whoever holds the service account cannot
/// make it sign an older seq, a time before its last checkpoint, a time far from its own clock,
/// or for another database.
public enum AnchorHelper {
    /// How far the requested time may be from the helper's clock (the log's own clock-skew allowance).
    public static let clockAllowanceMilliseconds: Int64 = 120_000

    public static func answer(_ line: String, signer: KeyFileSigner, now: Int64) -> AnchorReply {
        guard let request = AnchorRequest.parse(line) else { return .refused(.helper("not a request: status, or sign db=ID seq=N head=HEX time=TIME cases=LIST force=0|1")) }
        do {
            switch request {
            case .status:
                return .status(try signer.status())
            case .sign(let db, let seq, let head, let time, let cases, let force):
                let status = try signer.status()
                guard db == status.databaseID else { return .refused(.helper("this anchor signs for database \(status.databaseID), not \(db)")) }
                guard abs(time - now) <= clockAllowanceMilliseconds else {
                    return .refused(.helper("the time \(CheckpointTime.format(time)) is not the anchor's clock (\(CheckpointTime.format(now)))"))
                }
                guard let checkpoint = try signer.sign(seq: seq, head: head, time: time, cases: cases, force: force, deliver: { _ in }) else {
                    return .unchanged
                }
                return .signed(checkpoint)
            }
        } catch {
            return .refused(error)
        }
    }
}

import Anchoring
import Casework
import Foundation
import Store

/// Where a database's anchor lives and where its checkpoints go. Unlocked: from the user's
/// configuration and the database's path, the key file beside the database. Locked: the system
/// configuration's anchor account and key, reached only through the fixed helper.
struct AnchorSettings {
    var keyPath: String
    var checkpointFile: String?
    var syslogSocket: String?
    var heartbeatMinutes: Int
    /// Whether the configuration names a key: anchoring is then expected, and a missing key is
    /// reported on every commit rather than taken to mean "not anchored".
    var keyConfigured: Bool
    var backlogPath: String
    /// Locked mode: the command that runs the anchor helper as the anchor account.
    var helperCommand: [String]?

    init(databasePath: String, config: HandrailConfig) {
        keyPath = config.anchorKey ?? databasePath + ".anchor-key"
        keyConfigured = config.anchorKey != nil
        let file = config.checkpointFile ?? databasePath + ".checkpoints"
        checkpointFile = file == "off" ? nil : file
        let socket = config.syslogSocket ?? "/dev/log"
        syslogSocket = socket == "off" ? nil : socket
        heartbeatMinutes = config.anchorHeartbeatMinutes ?? 5
        backlogPath = keyPath + ".backlog"
    }

    /// A locked deployment: the key is the anchor account's (the service account cannot even
    /// see whether it exists), so anchoring is expected exactly when the configuration names
    /// the account; checkpoints, backlog and the delivery lock sit beside the database.
    init(locked config: SystemConfiguration, executable: String) {
        self.init(databasePath: config.database, config: HandrailConfig())
        if let account = config.anchorAccount, let key = config.anchorKey {
            keyPath = key
            keyConfigured = true
            backlogPath = config.database + ".anchor-backlog"
            helperCommand = AnchorHelperCommand.invocation(account: account, executable: executable)
        }
    }

    var sinks: [CheckpointSink] {
        var out: [CheckpointSink] = []
        if let syslogSocket { out.append(SyslogSink(socketPath: syslogSocket)) }
        if let checkpointFile { out.append(CheckpointFileSink(path: checkpointFile)) }
        return out
    }

    /// The signer for this deployment: the key file (unlocked), or the helper (locked).
    var signer: CheckpointSigner {
        if let helperCommand { return HelperSigner(command: helperCommand, lockPath: backlogPath + ".lock") }
        return KeyFileSigner(path: keyPath)
    }

    /// Whether this database is anchored at all.
    var isAnchored: Bool { keyConfigured || FileManager.default.fileExists(atPath: keyPath) }
}

/// The command line's `Anchor`: signs a checkpoint of the log's head through the signer and
/// hands it to the sinks, turning every failure into a line the operator sees.
final class CheckpointAnchor: Anchor {
    let store: HandrailStore
    let settings: AnchorSettings
    let signer: CheckpointSigner
    let publisher: CheckpointPublisher
    let clock: () -> Date

    init(store: HandrailStore, settings: AnchorSettings, clock: @escaping () -> Date) {
        self.store = store
        self.settings = settings
        signer = settings.signer
        publisher = CheckpointPublisher(sinks: settings.sinks, backlogPath: settings.backlogPath)
        self.clock = clock
    }

    func anchorNow() -> AnchorReceipt {
        sign(force: true)
    }

    func heartbeat() -> AnchorReceipt {
        let lastSeq: Int64
        do {
            let status = try signer.status()
            let head = try store.chainHead()
            let due = CheckpointTime.milliseconds(clock()) - status.lastTimeMilliseconds >= Int64(settings.heartbeatMinutes) * 60_000
            guard head.seq != status.lastSeq, due else { return AnchorReceipt() }
            lastSeq = status.lastSeq
        } catch let error as AnchorError {
            return AnchorReceipt(warnings: [Self.describe(error)])
        } catch {
            return AnchorReceipt(warnings: ["anchor: \(error)"])
        }
        return sign(force: false, lastSeq: lastSeq)
    }

    /// Signs a checkpoint of the head, naming the cases with events since `lastSeq` (the last
    /// checkpoint's, read from the signer when not given). Read before signing, it can only be
    /// at or below the signer's by then, so the list may name more cases, never fewer.
    func sign(force: Bool, lastSeq known: Int64? = nil) -> AnchorReceipt {
        var failures: [SinkFailure] = []
        do {
            let lastSeq = try known ?? signer.status().lastSeq
            let head = try store.chainHead()
            let cases = try store.caseIDs(after: lastSeq, through: head.seq)
            let signed = try signer.sign(seq: head.seq, head: head.hash, time: CheckpointTime.milliseconds(clock()), cases: cases,
                                         force: force) { checkpoint in
                failures = publisher.deliver(checkpoint)
            }
            return AnchorReceipt(epoch: signed?.epoch, warnings: failures.map { "anchor: WARNING: \($0)" })
        } catch let error as AnchorError {
            return AnchorReceipt(warnings: [Self.describe(error)])
        } catch {
            return AnchorReceipt(warnings: ["anchor: WARNING: no checkpoint: \(error)"])
        }
    }

    static func describe(_ error: AnchorError) -> String {
        switch error {
        case .rolledBack: return "anchor: ALARM: \(error.description)"
        default: return "anchor: WARNING: no checkpoint: \(error.description)"
        }
    }
}

import Anchoring
import Casework
import Foundation
import Store

/// Where a database's anchor lives and where its checkpoints go, from the configuration (the
/// user's for now; the root-owned system configuration of locked mode later) and the
/// database's path.
struct AnchorSettings {
    var keyPath: String
    var checkpointFile: String?
    var syslogSocket: String?
    var heartbeatMinutes: Int
    /// Whether the configuration names a key: anchoring is then expected, and a missing key is
    /// reported on every commit rather than taken to mean "not anchored".
    var keyConfigured: Bool

    init(databasePath: String, config: HandrailConfig) {
        keyPath = config.anchorKey ?? databasePath + ".anchor-key"
        keyConfigured = config.anchorKey != nil
        let file = config.checkpointFile ?? databasePath + ".checkpoints"
        checkpointFile = file == "off" ? nil : file
        let socket = config.syslogSocket ?? "/dev/log"
        syslogSocket = socket == "off" ? nil : socket
        heartbeatMinutes = config.anchorHeartbeatMinutes ?? 5
    }

    var backlogPath: String { keyPath + ".backlog" }

    var sinks: [CheckpointSink] {
        var out: [CheckpointSink] = []
        if let syslogSocket { out.append(SyslogSink(socketPath: syslogSocket)) }
        if let checkpointFile { out.append(CheckpointFileSink(path: checkpointFile)) }
        return out
    }

    /// The signer for this deployment. Unlocked mode: the key file. (Locked mode will return
    /// the helper's client here, behind the same protocol.)
    var signer: CheckpointSigner { KeyFileSigner(path: keyPath) }

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
        do {
            let status = try signer.status()
            let head = try store.chainHead()
            let due = CheckpointTime.milliseconds(clock()) - status.lastTimeMilliseconds >= Int64(settings.heartbeatMinutes) * 60_000
            guard head.seq != status.lastSeq, due else { return AnchorReceipt() }
        } catch let error as AnchorError {
            return AnchorReceipt(warnings: [Self.describe(error)])
        } catch {
            return AnchorReceipt(warnings: ["anchor: \(error)"])
        }
        return sign(force: false)
    }

    func sign(force: Bool) -> AnchorReceipt {
        var failures: [SinkFailure] = []
        do {
            let head = try store.chainHead()
            let signed = try signer.sign(seq: head.seq, head: head.hash, time: CheckpointTime.milliseconds(clock()), force: force) { checkpoint in
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

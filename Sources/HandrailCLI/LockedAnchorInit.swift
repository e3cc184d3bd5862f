import Anchoring
import Foundation
import Store

/// `handrail anchor init` in a locked deployment, run by root: makes the anchor account's key
/// (0600, the anchor account's, in its 0700 folder: the service account cannot read it or see
/// it), signs epoch 0 over the log as it is now, and prints K0 once. Root writes nothing to the
/// log; the files it creates beside the database go to the service account.
enum LockedAnchorInit {
    static func run(config: SystemConfiguration, context: CommandContext) -> ExitCode {
        let out = context.output
        guard let account = config.anchorAccount, let keyPath = config.anchorKey else {
            out.error("handrail anchor init: \(config.path) names no anchorAccount and anchorKey; add both to anchor the log")
            return .usage
        }
        // getpwnam(3) returns static storage that the next call overwrites: each is read at once.
        guard let anchorIDs = getpwnam(account).map({ ($0.pointee.pw_uid, $0.pointee.pw_gid) }),
              let serviceIDs = getpwnam(config.serviceAccount).map({ ($0.pointee.pw_uid, $0.pointee.pw_gid) }) else {
            out.error("handrail anchor init: the anchor account \(SafeText.visible(account)) or the service account \(SafeText.visible(config.serviceAccount)) does not exist")
            return .usage
        }
        let (anchorUID, anchorGID) = anchorIDs
        let (serviceUID, serviceGID) = serviceIDs
        guard anchorUID != serviceUID, anchorUID != 0 else {
            out.error("handrail anchor init: the anchor account must be an account of its own, neither root nor the service account")
            return .usage
        }
        let folder = (keyPath as NSString).deletingLastPathComponent
        var info = stat()
        guard lstat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == anchorUID, info.st_mode & 0o077 == 0 else {
            out.error("handrail anchor init: \(SafeText.visible(folder)) must be a folder of \(SafeText.visible(account)), mode 0700 (install -d -o \(SafeText.visible(account)) -m 0700 \(SafeText.visible(folder)))")
            return .usage
        }
        do {
            try FileTrust.requireServiceFile(config.database, owner: serviceUID, what: "the database")
        } catch {
            out.error("handrail anchor init: \(SafeText.visible(error.description))")
            return .usage
        }
        let settings = AnchorSettings(locked: config, executable: SystemConfiguration.runningExecutablePath())
        let (k0, databaseID) = AnchorCommandLine.newKey()
        let signer: KeyFileSigner
        do {
            signer = try KeyFileSigner.create(path: keyPath, databaseID: databaseID, k0: k0)
        } catch {
            out.error("handrail anchor init: \(SafeText.visible(error.description))")
            return error == .alreadyInitialised(keyPath) ? .usage : .internalError
        }
        // lchown: a link planted in the folder is never followed to another file.
        guard lchown(keyPath, anchorUID, anchorGID) == 0 else {
            out.error("handrail anchor init: cannot give \(SafeText.visible(keyPath)) to \(SafeText.visible(account)): \(String(cString: strerror(errno)))")
            unlink(keyPath)
            return .internalError
        }
        // Epoch 0 anchors the log as it is now; K(0) is overwritten by K(1) as it is signed.
        var failures: [SinkFailure] = []
        do {
            let store = try HandrailStore(path: config.database, create: false, readOnly: true, now: context.clock)
            let head = try store.chainHead()
            let cases = try store.caseIDs(after: 0, through: head.seq)
            let publisher = CheckpointPublisher(sinks: settings.sinks, backlogPath: settings.backlogPath)
            _ = try signer.sign(seq: head.seq, head: head.hash, time: CheckpointTime.milliseconds(context.clock()), cases: cases,
                                force: true) { checkpoint in
                failures = publisher.deliver(checkpoint)
            }
        } catch {
            out.error("handrail anchor init: the key is made but epoch 0 was not signed: \(SafeText.visible(String(describing: error)))")
        }
        for failure in failures { out.error("anchor: WARNING: \(SafeText.visible(failure.description))") }
        for file in [settings.checkpointFile, settings.backlogPath, config.database + "-wal", config.database + "-shm"].compactMap({ $0 })
        where lstat(file, &info) == 0 && info.st_uid == 0 {
            _ = lchown(file, serviceUID, serviceGID)
        }
        AnchorCommandLine.announce(k0: k0, databaseID: databaseID, keyPath: keyPath, settings: settings, out: out)
        return .ok
    }
}

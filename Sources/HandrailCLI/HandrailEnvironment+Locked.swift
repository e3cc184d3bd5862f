import Casework
import Engine
import Foundation
import LocalTenant
import Platform
import Store

extension HandrailEnvironment {
    /// A locked deployment: everything comes from the system configuration and the identity the
    /// system established; nothing is created, nobody is enrolled implicitly, and the session
    /// is recorded before anything else happens.
    static func resolveLocked(_ config: SystemConfiguration, identity: OperatorIdentity, context: CommandContext,
                              readOnly: Bool) throws(SetupError) -> HandrailEnvironment {
        guard let service = OperatorIdentity.accountUID(config.serviceAccount) else {
            throw .failed(.usage, "handrail: the service account \(SafeText.visible(config.serviceAccount)) named in \(config.path) does not exist")
        }
        do {
            try FileTrust.requireServiceFile(config.database, owner: service, what: "the database")
        } catch {
            throw .failed(.usage, "handrail: \(SafeText.visible(error.description))")
        }
        let role: Role?
        let stamp = EventStamp(mode: "locked", actorRole: nil, timeZone: config.timeZone.identifier)
        do {
            // The session is recorded on a writing connection, even for a command that only reads;
            // the command itself then reads through a read-only one.
            let writer = try HandrailStore(path: config.database, create: false, now: context.clock)
            role = try writer.role(of: identity.login)
            writer.eventStamp = { [role] actor in
                EventStamp(mode: stamp.mode, actorRole: actor == identity.login ? role : nil, timeZone: stamp.timeZone)
            }
            let record = SessionRecord(entry: identity.entry.rawValue, uid: Int(identity.uid), sudoUID: identity.sudoUID.map(Int.init),
                                       loginUID: identity.loginUID.map(Int.init), tty: identity.tty, keyFingerprint: identity.keyFingerprint)
            try writer.appendDeskEvent(CaseEvent(.sessionStarted(record), caseID: HandrailStore.sessionsCaseID, subject: identity.login,
                                                 actor: identity.login, time: context.clock()))
        } catch {
            throw .failed(StoreErrorMapping.exitCode(error), "handrail: \(SafeText.visible(error.description))")
        }
        let store: HandrailStore
        do {
            store = try HandrailStore(path: config.database, create: false, readOnly: readOnly, now: context.clock)
        } catch {
            throw .failed(StoreErrorMapping.exitCode(error), "handrail: \(SafeText.visible(error.description))")
        }
        store.eventStamp = { [role] actor in
            EventStamp(mode: stamp.mode, actorRole: actor == identity.login ? role : nil, timeZone: stamp.timeZone)
        }
        let library = RunbookLibrary(directory: URL(fileURLWithPath: config.runbooks))
        let platform: IdentityPlatform
        switch config.platform {
        case "manual":
            platform = ManualConsole()
        default:
            do {
                try FileTrust.requireServiceFile(config.directoryPath, owner: service, what: "the tenant file")
                platform = LocalDirectory(store: try DirectoryStore(path: config.directoryPath, now: context.clock))
            } catch let problem as SystemConfiguration.Problem {
                throw .failed(.usage, "handrail: \(SafeText.visible(problem.description))")
            } catch {
                throw .failed(.internalError, "handrail: directory: \(SafeText.visible(String(describing: error)))")
            }
        }
        var casework = CaseworkContext(store: store, platform: platform, runbooks: { try? library.runbook(id: $0).get() },
                                            timeZone: config.timeZone, clock: context.clock)
        casework.runbookPin = { library.pin(id: $0) }
        casework.runbookByHash = { library.runbook(sha256: $0) }
        casework.organisation = context.organisation
        // Checkpoints are signed by the anchor account's helper; the checkpoint file and /dev/log as unlocked.
        let anchorSettings = AnchorSettings(locked: config, executable: SystemConfiguration.runningExecutablePath())
        let anchor = anchorSettings.isAnchored && !store.isReadOnly ? CheckpointAnchor(store: store, settings: anchorSettings, clock: context.clock) : nil
        casework.anchor = anchor
        let desk = CaseDesk(casework)
        return HandrailEnvironment(store: store, login: identity.login, role: role, library: library, platform: platform,
                                   timeZone: config.timeZone, output: context.output, clock: context.clock, identity: identity, desk: desk,
                                   anchorSettings: anchorSettings, anchor: anchor)
    }
}

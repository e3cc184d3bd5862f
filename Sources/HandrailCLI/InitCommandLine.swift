import Engine
import Foundation
import LocalTenant
import Store

/// `handrail init --senior LOGIN [--db PATH] [--demo-tenant]`: the one command that creates a
/// database, with its first senior admin recorded as a roster event. In a locked deployment
/// it is run by root or the service account, creates the configured database (and, for the
/// local platform with --demo-tenant, a demo tenant) and hands the files to the service account.
enum InitCommandLine {
    static func run(_ args: inout ArgumentList, context: CommandContext) -> ExitCode {
        let out = context.output
        let options = GlobalOptions.take(from: &args)
        let senior = args.takeOption("--senior")
        let demoTenant = args.takeFlag("--demo-tenant")
        if let unknown = args.unknownOption ?? args.next() {
            out.error("handrail init: unexpected \(SafeText.visible(unknown))\n\n" + HelpText.initCommand)
            return .usage
        }
        guard let senior, OperatorLogin.isValid(senior) else {
            out.error("handrail init: name the first senior admin: handrail init --senior LOGIN (\(OperatorLogin.rule))")
            return .usage
        }
        let path = context.locked?.database ?? HandrailEnvironment.databasePath(options: options, environment: context.environment, config: context.config)
        var info = stat()
        if lstat(path, &info) == 0 {
            out.error("handrail init: \(SafeText.visible(path)) already exists; init never overwrites or adopts a file")
            return .usage
        }
        let folder = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            out.error("handrail init: no folder \(SafeText.visible(folder)); create it first (owned by the account Handrail runs as)")
            return .usage
        }
        let actor = context.identity?.login ?? OperatorLogin.current(environment: context.environment)
        let mode = context.locked == nil ? "unlocked" : "locked"
        do {
            let store = try HandrailStore(path: path, create: true, now: context.clock)
            store.eventStamp = { _ in EventStamp(mode: mode, actorRole: nil, timeZone: context.timeZone.identifier) }
            try store.changeOperator(senior, to: .senior, by: OperatorLogin.isValid(actor) ? actor : "init", at: context.clock(),
                                     reason: "handrail init")
        } catch {
            out.error("handrail init: \(SafeText.visible(error.description))")
            return StoreErrorMapping.exitCode(error)
        }
        var created = [path]
        if demoTenant {
            let tenant = context.locked?.directoryPath ?? (folder + "/directory.db")
            do {
                guard lstat(tenant, &info) != 0 else {
                    out.error("handrail init: \(SafeText.visible(tenant)) already exists; left as it is")
                    return .usage
                }
                let store = try DirectoryStore(path: tenant, now: context.clock)
                try DemoTenant.seed(store, now: context.clock())
                created.append(tenant)
            } catch {
                out.error("handrail init: demo tenant: \(SafeText.visible(String(describing: error)))")
                return .internalError
            }
        }
        if let locked = context.locked, geteuid() == 0, let uid = OperatorIdentity.accountUID(locked.serviceAccount),
           let entry = getpwuid(uid) {
            let gid = entry.pointee.pw_gid
            for file in created.flatMap({ [$0, $0 + "-wal", $0 + "-shm"] }) where lstat(file, &info) == 0 {
                // lchown: a link planted in the folder is never followed to another file.
                if lchown(file, uid, gid) != 0 {
                    out.error("handrail init: cannot give \(SafeText.visible(file)) to \(SafeText.visible(locked.serviceAccount)): \(String(cString: strerror(errno)))")
                    return .internalError
                }
            }
        }
        out.print("Created \(SafeText.visible(path)) (\(mode)); \(SafeText.visible(senior)) is its senior admin.")
        if demoTenant { out.print("Created the DEMO tenant \(SafeText.visible(created.last!)) (\(DemoTenant.users.count) demo users).") }
        return .ok
    }
}

import Engine
import Foundation
import LocalTenant
import Platform
import Store

/// Which identity platform this run uses: `--platform`, then `$HANDRAIL_PLATFORM`, then the
/// config file, then the default. `local` opens (and on first use creates and seeds with demo
/// users) the LocalDirectory beside the database: `$HANDRAIL_DIRECTORY`, the config's `directory`,
/// else `directory.db` in the database's folder.
enum PlatformChoice {
    static let defaultPlatform = "local"
    static let names = ["local", "manual"]

    static func resolve(options: GlobalOptions, context: CommandContext, databasePath: String) throws(HandrailEnvironment.SetupError) -> IdentityPlatform {
        let config = context.config
        if let problem = config.problem { throw .failed(.usage, "handrail: configuration: \(SafeText.visible(problem))") }
        let name = options.platform ?? context.environment["HANDRAIL_PLATFORM"].flatMap { $0.isEmpty ? nil : $0 } ?? config.platform ?? defaultPlatform
        switch name {
        case "manual":
            return ManualConsole(timeZone: context.timeZone)
        case "local":
            let path = directoryPath(context: context, config: config, databasePath: databasePath)
            return LocalDirectory(store: try openDirectory(path, output: context.output, now: context.clock()))
        default:
            throw .failed(.usage, "handrail: unknown platform \"\(SafeText.visible(name))\"; available: \(names.joined(separator: ", "))")
        }
    }

    static func directoryPath(context: CommandContext, config: HandrailConfig, databasePath: String) -> String {
        if let path = context.environment["HANDRAIL_DIRECTORY"], !path.isEmpty { return path }
        if let path = config.directory { return path }
        return (databasePath as NSString).deletingLastPathComponent.appending("/directory.db")
    }

    /// Opens the directory; a file that did not exist yet becomes the demo tenant.
    static func openDirectory(_ path: String, output: CommandOutput, now: Date) throws(HandrailEnvironment.SetupError) -> DirectoryStore {
        let isNew = !FileManager.default.fileExists(atPath: path)
        do {
            let store = try DirectoryStore(path: path, now: { now })
            if try isNew || store.users().isEmpty {
                try DemoTenant.seed(store, now: now)
                output.error("handrail: created the demo tenant \(SafeText.visible(path)) (\(DemoTenant.users.count) demo users; handrail directory list)")
            }
            return store
        } catch let error as StoreError {
            throw .failed(StoreErrorMapping.exitCode(error), "handrail: directory: \(SafeText.visible(error.description))")
        } catch {
            throw .failed(.internalError, "handrail: directory: \(SafeText.visible(String(describing: error)))")
        }
    }
}

import Anchoring
import Casework
import Engine
import Foundation
import Hashing
import Runbook
import Store

/// `handrail status`, `handrail restore` and `handrail replication config`: the help desk's
/// record is one SQLite file; Litestream ships its WAL to a replica as it is written, and these
/// commands show how far behind the replica is and bring a copy back from it — a copy that proves
/// itself before anyone trusts it, and never replaces the live database by itself.
enum ReplicationCommandLine {
    /// A warning once the replica has not been written for this long while the log has moved on.
    static let defaultWarnSeconds = 60

    // MARK: - replication config

    /// The Litestream configuration for this deployment: the database and its replica, with
    /// Litestream's own defaults otherwise (it checkpoints the WAL itself; Handrail's connections
    /// wait out its short write locks with their busy timeout, as Litestream asks of applications:
    /// https://litestream.io/tips/#busy-timeout).
    static func litestreamConfig(database: String, replica: ReplicaLocation) -> String {
        """
        # Written by handrail replication config: replicate the Handrail database to its replica.
        # Run as the service account: litestream replicate -config THIS_FILE
        dbs:
          - path: \(database)
            replicas:
              - url: \(replica.url)
        """
    }

    static func config(_ args: inout ArgumentList, context: CommandContext) -> ExitCode {
        let out = context.output
        let options = GlobalOptions.take(from: &args)
        guard args.isEmpty else { out.error("handrail replication config: unexpected \(SafeText.visible(args.items.joined(separator: " ")))"); return .usage }
        let settings = context.config
        guard let replica = settings.replica.flatMap({ ReplicaLocation($0) }) else {
            out.error("handrail replication config: no replica is configured; set \"replica\" (a folder or an s3:// or sftp:// URL) in \(HandrailConfig.path(environment: context.environment))")
            return .usage
        }
        let database = realDatabasePath(options: options, context: context)
        out.print(litestreamConfig(database: database, replica: replica))
        return .ok
    }

    // MARK: - status

    static func status(_ args: inout ArgumentList, context: CommandContext) -> ExitCode {
        let out = context.output
        let options = GlobalOptions.take(from: &args)
        guard args.isEmpty else { out.error("handrail status: unexpected \(SafeText.visible(args.items.joined(separator: " ")))"); return .usage }
        let database = realDatabasePath(options: options, context: context)
        guard FileManager.default.fileExists(atPath: database) else {
            out.error("handrail status: no database at \(SafeText.visible(database))")
            return .usage
        }
        var report: [String: JSONValue] = ["database": .string(database)]
        var lines = ["Database: \(SafeText.visible(database))"]
        var newestEvent: Date?
        do {
            let store = try HandrailStore(path: database, create: false, readOnly: true, now: context.clock)
            let count = try store.eventCount()
            let last = try store.lastEventTime()
            report["events"] = .number(Double(count))
            if let last { report["lastEventAt"] = .string(last) }
            newestEvent = last.flatMap(EventTime.parse)
            lines[0] += " (\(count) events\(last.map { ", the last at \($0)" } ?? ""))"
        } catch {
            out.error("handrail status: \(SafeText.visible("\(error)"))")
            return .usage
        }
        let measured: (replica: ReplicaLocation, lag: ReplicationLag)?
        do { measured = try measureLag(database: database, newestEvent: newestEvent, context: context) } catch {
            out.error("handrail status: \(error.message)")
            return error.code
        }
        guard let measured else {
            lines.append("Replication: not configured. Set \"replica\" in \(HandrailConfig.path(environment: context.environment)) and run Litestream (see the README).")
            report["replication"] = .string("not configured")
            out.print(options.json ? JSONValue.object(report).canonicalText : lines.joined(separator: "\n"))
            return .ok
        }
        report["replica"] = .string(measured.replica.url)
        report["replication"] = measured.lag.json
        lines.append("Replication: \(SafeText.visible(measured.replica.url))")
        lines.append("  " + measured.lag.sentence)
        out.print(options.json ? JSONValue.object(report).canonicalText : lines.joined(separator: "\n"))
        return .ok
    }

    struct LagProblem: Error {
        var code: ExitCode
        var message: String
    }

    /// How far the configured replica is behind `database`; nil when no replica is configured.
    /// For `handrail status` and the senior admin's queue in the wizard.
    static func measureLag(database: String, newestEvent: Date?, context: CommandContext) throws(LagProblem) -> (replica: ReplicaLocation, lag: ReplicationLag)? {
        let settings = context.config
        guard let replicaText = settings.replica else { return nil }
        guard let replica = ReplicaLocation(replicaText) else {
            throw LagProblem(code: .usage, message: "the configured replica \"\(SafeText.visible(replicaText))\" is not a folder or a URL Litestream understands")
        }
        guard let litestream = Litestream.locate(configured: settings.litestream, environment: context.environment) else {
            throw LagProblem(code: .usage, message: "\(Litestream.Failure.notInstalled)")
        }
        let warnAfter = settings.replicationWarnSeconds ?? defaultWarnSeconds
        do {
            let files = try litestream.replicaFiles(replica)
            let configFile = try temporaryConfig(database: database, replica: replica)
            defer { try? FileManager.default.removeItem(atPath: configFile) }
            let local = try litestream.localTransaction(database: database, config: configFile)
            return (replica, ReplicationLag(files: files, preciseLastWrite: replica.folder.flatMap(Self.newestModification),
                                            localTransaction: local, newestEvent: newestEvent, now: context.clock(), warnAfterSeconds: warnAfter))
        } catch {
            throw LagProblem(code: .refused, message: SafeText.visible("\(error)"))
        }
    }

    /// The wizard's line for a senior admin: the lag's WARNING sentence when it warns, a line
    /// saying the replica cannot be read when it cannot, nil when it keeps up or is not configured.
    static func warningLine(database: String, store: HandrailStore, context: CommandContext) -> String? {
        let newest = (try? store.lastEventTime()).flatMap { $0 }.flatMap(EventTime.parse)
        do {
            guard let lag = try measureLag(database: database, newestEvent: newest, context: context)?.lag, lag.warning else { return nil }
            return "Replication: " + lag.sentence
        } catch {
            return "Replication: WARNING: cannot read how far the replica is behind: \(error.message)"
        }
    }

    // MARK: - restore

    static func restore(_ args: inout ArgumentList, context: CommandContext) -> ExitCode {
        let out = context.output
        let options = GlobalOptions.take(from: &args)
        let from = args.takeOption("--from")
        let to = args.takeOption("--to")
        let timestamp = args.takeOption("--timestamp")
        let anchorsFile = args.takeOption("--anchors")
        let anchorKey = args.takeOption("--anchor-key")
        if let unknown = args.unknownOption ?? args.next() {
            out.error("handrail restore: unexpected \(SafeText.visible(unknown))")
            return .usage
        }
        let settings = context.config
        guard let replicaText = from ?? settings.replica else {
            out.error("handrail restore: say where from: --from FOLDER|URL (or set \"replica\" in the configuration)")
            return .usage
        }
        guard let replica = ReplicaLocation(replicaText) else {
            out.error("handrail restore: \"\(SafeText.visible(replicaText))\" is not a folder or a URL Litestream understands (file://, s3://, sftp://…)")
            return .usage
        }
        guard let to else {
            out.error("handrail restore: say where to: --to PATH (a new file; the live database is never replaced)")
            return .usage
        }
        if (anchorsFile == nil) != (anchorKey == nil) {
            out.error("handrail restore: --anchors FILE and --anchor-key K0 go together")
            return .usage
        }
        var anchors: CheckpointChain?
        if let anchorsFile, let anchorKey {
            guard let key = [UInt8](hex: anchorKey.lowercased()), key.count == AnchorKey.byteCount else {
                out.error("handrail restore: --anchor-key takes K0 as printed by handrail anchor init: 64 hexadecimal digits")
                return .usage
            }
            guard let data = FileManager.default.contents(atPath: anchorsFile) else {
                out.error("handrail restore: cannot read the checkpoints file \(SafeText.visible(anchorsFile))")
                return .usage
            }
            anchors = CheckpointChain(text: String(decoding: data, as: UTF8.self), k0: key)
        }
        if let timestamp, ISO8601DateFormatter().date(from: timestamp) == nil {
            out.error("handrail restore: --timestamp \(SafeText.visible(timestamp)) is not a time like 2026-05-19T10:15:00Z")
            return .usage
        }
        let target = (to as NSString).standardizingPath
        let live = realDatabasePath(options: options, context: context)
        if target == live || ((try? FileManager.default.destinationOfSymbolicLink(atPath: target)) != nil) {
            out.error("handrail restore: \(SafeText.visible(to)) is the live database (or a link): a restore never replaces it; restore to a new path")
            return .usage
        }
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: target + suffix) {
            out.error("handrail restore: \(SafeText.visible(target + suffix)) exists; restore to a new path (nothing was overwritten)")
            return .usage
        }
        guard let litestream = Litestream.locate(configured: settings.litestream, environment: context.environment) else {
            out.error("handrail restore: \(Litestream.Failure.notInstalled)")
            return .usage
        }
        do {
            try litestream.restore(replica, to: target, timestamp: timestamp)
        } catch let failure as Litestream.Failure {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: target + suffix) }
            out.error("handrail restore: the replica \(SafeText.visible(replica.url)) could not be restored, and nothing was written: "
                      + SafeText.visible(failure.description))
            return .refused
        } catch {
            out.error("handrail restore: \(SafeText.visible("\(error)"))")
            return .internalError
        }
        // Litestream writes the copy with the process's umask; the audit trail is the operators' own: 0600.
        chmod(target, 0o600)
        return RestoredLogCheck(path: target, context: context, anchors: anchors).report(to: out, replica: replica)
    }

    // MARK: - Helpers

    /// The database's real path (symbolic links resolved), as Litestream and the restore check see it.
    static func realDatabasePath(options: GlobalOptions, context: CommandContext) -> String {
        let path = HandrailEnvironment.databasePath(options: options, environment: context.environment, config: context.config)
        return (URL(fileURLWithPath: path).resolvingSymlinksInPath().path as NSString).standardizingPath
    }

    /// When a file replica's newest LTX file was written, to the nanosecond the file system keeps.
    static func newestModification(folder: String) -> Date? {
        guard let enumerator = FileManager.default.enumerator(at: URL(fileURLWithPath: folder), includingPropertiesForKeys: [.contentModificationDateKey]) else {
            return nil
        }
        var newest: Date?
        for case let url as URL in enumerator where url.pathExtension == "ltx" {
            if let date = try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate, date > (newest ?? .distantPast) {
                newest = date
            }
        }
        return newest
    }

    /// A Litestream configuration for `litestream status` to read, in a private temporary file.
    static func temporaryConfig(database: String, replica: ReplicaLocation) throws -> String {
        let path = NSTemporaryDirectory() + "handrail-litestream-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).yml"
        guard FileManager.default.createFile(atPath: path, contents: Data(litestreamConfig(database: database, replica: replica).utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteNoPermission)
        }
        return path
    }
}

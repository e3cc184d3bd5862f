import Engine
import Foundation
import Runbook

/// The locked deployment's configuration: `<prefix>/etc/handrail/handrail.json5`, where the
/// prefix is the installation's (the folder above the `bin` that holds the running executable,
/// found through `/proc/self/exe`, never `argv[0]` or the environment). Its presence makes the
/// deployment locked. Root writes it; nobody an operator can become may change it:
///
///     { database: "/var/lib/handrail/handrail.db", runbooks: "/opt/handrail/share/handrail/Runbooks",
///       platform: "local", directory: "/var/lib/handrail/directory.db", timeZone: "Europe/Berlin",
///       serviceAccount: "handrail", identity: ["ssh", "sudo"], anchorSinks: [],
///       anchorAccount: "handrail-anchor", anchorKey: "/var/lib/handrail-anchor/anchor-key",
///       organisationDomains: ["example.com"], defaultCountryCode: "+49", privilegedAccounts: [],
///       replica: "/srv/backup/handrail", replicationWarnSeconds: 60 }
///
/// `anchorSinks` is read and kept as written (`anchorSinks`) for the audit log's checkpoints;
/// this file only checks that it is a list. The organisation's settings are read from here
/// only: the service account's own user configuration is ignored in a locked deployment, since
/// whoever holds that account could otherwise widen the staff domains or unlist a privileged
/// account.
struct SystemConfiguration: Sendable, Equatable {
    var path: String
    var database: String
    var runbooks: String
    var platform: String
    var directory: String?
    var timeZone: TimeZone
    /// The account Handrail runs as (owner of the database and the tenant file).
    var serviceAccount: String
    /// How an operator may enter: "ssh" (the forced command `ssh-entry LOGIN`), "sudo" (`sudo -u SERVICE handrail …`).
    var identitySources: Set<String>
    /// Where checkpoints of the log are sent; read by the audit log's anchoring.
    var anchorSinks: [JSONValue]
    /// The separate account that alone reads the anchor key (`anchorKey`) and signs checkpoints
    /// through `handrail anchor sign`; nil: the deployment is not anchored.
    var anchorAccount: String?
    var anchorKey: String?
    var organisationDomains: [String] = []
    var defaultCountryCode: String?
    var privilegedAccounts: [String] = []
    /// Backups (Litestream): where the replica is, the program, when `status` and a senior's queue warn.
    var replica: String?
    var litestream: String?
    var replicationWarnSeconds: Int?

    static let relativePath = "etc/handrail/handrail.json5"
    static let identitySourceNames: Set<String> = ["ssh", "sudo"]

    /// The configuration file this installation would have: `<prefix>/etc/handrail/handrail.json5`
    /// for an executable at `<prefix>/bin/handrail`, the executable's real path resolved.
    /// realpath(3) resolves the path (every symbolic link, `.` and `..`); a path it cannot resolve
    /// is taken as written. Plain path text rather than `URL`, whose resolution walks the path
    /// one `lstat` at a time and was a tenth of a command's start-up.
    static func installedPath(executablePath: String) -> String {
        var real = executablePath
        if let resolved = realpath(executablePath, nil) {
            real = String(cString: resolved)
            free(resolved)
        }
        var components = real.split(separator: "/", omittingEmptySubsequences: true)
        components.removeLast(min(2, components.count))
        return "/" + (components.map(String.init) + [relativePath]).joined(separator: "/")
    }

    /// The running process's own executable's path, as the kernel knows it (readlink(2) of
    /// /proc/self/exe); argv[0] only where /proc is not mounted.
    static func runningExecutablePath() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return CommandLine.arguments.first ?? "handrail" }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    struct Problem: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Nil when there is no file at `path` (the deployment is unlocked); the configuration when
    /// the file is present and trustworthy; a problem (and a refusal to run) otherwise.
    static func load(path: String) throws(Problem) -> SystemConfiguration? {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw Problem("cannot examine \(path): \(String(cString: strerror(errno)))")
        }
        try FileTrust.requireRootOwned(path, info: info, what: "the system configuration", regularFile: true)
        try FileTrust.requireRootOwnedAncestors(of: path)
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw Problem("cannot read \(path): \(error.localizedDescription)")
        }
        return try parse(text, path: path)
    }

    static func parse(_ text: String, path: String) throws(Problem) -> SystemConfiguration {
        let node: JSONNode
        do { node = try JSON5Parser.parse(text) } catch { throw Problem("\(path):\(error.location): \(error.message)") }
        guard let members = node.members else { throw Problem("\(path): expected an object") }
        var strings: [String: String] = [:]
        var sources: Set<String>?
        var sinks: [JSONValue] = []
        var domains: [String] = []
        var privileged: [String] = []
        var warnSeconds: Int?
        for member in members {
            let at = "\(path):\(member.keyLocation)"
            switch member.key {
            case "database", "runbooks", "platform", "directory", "timeZone", "serviceAccount", "anchorAccount", "anchorKey", "defaultCountryCode",
                 "replica", "litestream":
                guard let value = member.value.string, !value.isEmpty else { throw Problem("\(at): \"\(member.key)\" must be a non-empty string") }
                strings[member.key] = value
            case "identity":
                guard let list = member.value.plain.arrayValue?.compactMap(\.stringValue), list.count == member.value.elements?.count,
                      !list.isEmpty, Set(list).isSubset(of: identitySourceNames) else {
                    throw Problem("\(at): \"identity\" is a list of \(identitySourceNames.sorted().joined(separator: ", "))")
                }
                sources = Set(list)
            case "anchorSinks":
                guard let list = member.value.plain.arrayValue else { throw Problem("\(at): \"anchorSinks\" must be a list") }
                sinks = list
            case "organisationDomains":
                guard let list = HandrailConfig.organisationDomains(member.value) else { throw Problem("\(at): \(HandrailConfig.organisationDomainsRule)") }
                domains = list
            case "replicationWarnSeconds":
                guard let seconds = member.value.plain.numberValue, seconds >= 1, seconds <= 86_400, seconds == seconds.rounded() else {
                    throw Problem("\(at): \"replicationWarnSeconds\" must be a whole number of seconds from 1 to 86400")
                }
                warnSeconds = Int(seconds)
            case "privilegedAccounts":
                guard let list = HandrailConfig.privilegedAccounts(member.value) else { throw Problem("\(at): \(HandrailConfig.privilegedAccountsRule)") }
                privileged = list
            default:
                throw Problem("\(at): unknown setting \"\(member.key)\" (database, runbooks, platform, directory, timeZone, serviceAccount, identity, anchorSinks, anchorAccount, anchorKey, organisationDomains, defaultCountryCode, privilegedAccounts, replica, litestream, replicationWarnSeconds)")
            }
        }
        for required in ["database", "runbooks", "platform", "timeZone", "serviceAccount"] where strings[required] == nil {
            throw Problem("\(path): \"\(required)\" is required in a locked deployment")
        }
        if (strings["anchorAccount"] == nil) != (strings["anchorKey"] == nil) {
            throw Problem("\(path): \"anchorAccount\" and \"anchorKey\" go together (the account that alone reads the key, and the key's path)")
        }
        if let code = strings["defaultCountryCode"], Organisation.countryCode(code) == nil {
            throw Problem("\(path): \"\(code)\" is not a country calling code (e.g. +44)")
        }
        for key in ["database", "runbooks", "directory", "anchorKey", "litestream"] {
            if let value = strings[key], !value.hasPrefix("/") { throw Problem("\(path): \"\(key)\" must be an absolute path") }
        }
        guard let zone = TimeZone(identifier: strings["timeZone"]!) else {
            throw Problem("\(path): \"\(strings["timeZone"]!)\" is not a time zone (e.g. Europe/Berlin)")
        }
        guard PlatformChoice.names.contains(strings["platform"]!) else {
            throw Problem("\(path): unknown platform \"\(strings["platform"]!)\"; available: \(PlatformChoice.names.joined(separator: ", "))")
        }
        return SystemConfiguration(path: path, database: strings["database"]!, runbooks: strings["runbooks"]!, platform: strings["platform"]!,
                                   directory: strings["directory"], timeZone: zone, serviceAccount: strings["serviceAccount"]!,
                                   identitySources: sources ?? identitySourceNames, anchorSinks: sinks,
                                   anchorAccount: strings["anchorAccount"], anchorKey: strings["anchorKey"], organisationDomains: domains,
                                   defaultCountryCode: strings["defaultCountryCode"], privilegedAccounts: privileged,
                                   replica: strings["replica"], litestream: strings["litestream"], replicationWarnSeconds: warnSeconds)
    }

    /// The tenant file: the configured one, else `directory.db` beside the database.
    var directoryPath: String {
        directory ?? (database as NSString).deletingLastPathComponent.appending("/directory.db")
    }
}

/// Ownership and mode checks on the files a locked deployment trusts.
enum FileTrust {
    /// Root-owned, not writable by group or others; a regular file (or a directory), never a symbolic link.
    static func requireRootOwned(_ path: String, info: stat, what: String, regularFile: Bool) throws(SystemConfiguration.Problem) {
        let type = info.st_mode & S_IFMT
        if type == S_IFLNK { throw .init("\(what) \(path) is a symbolic link; it must be the file itself") }
        if regularFile, type != S_IFREG { throw .init("\(what) \(path) is not a regular file") }
        if !regularFile, type != S_IFDIR { throw .init("\(what) \(path) is not a folder") }
        if info.st_uid != 0 { throw .init("\(what) \(path) must be owned by root (it is owned by uid \(info.st_uid))") }
        if info.st_mode & (S_IWGRP | S_IWOTH) != 0 {
            throw .init("\(what) \(path) must not be writable by its group or others (mode \(String(info.st_mode & 0o7777, radix: 8)))")
        }
    }

    /// Every folder from `path`'s parent up to `/` is root's: nobody else can rename a folder on
    /// the way and put their own file in its place. A world-writable folder is accepted only
    /// with the sticky bit (`/tmp`), where only an entry's owner may rename or remove it.
    static func requireRootOwnedAncestors(of path: String) throws(SystemConfiguration.Problem) {
        var folder = (path as NSString).deletingLastPathComponent
        while !folder.isEmpty {
            var info = stat()
            guard lstat(folder, &info) == 0 else { throw .init("cannot examine \(folder): \(String(cString: strerror(errno)))") }
            if info.st_mode & S_IFMT == S_IFLNK { throw .init("\(folder) is a symbolic link; the configuration's folders must be real") }
            if info.st_uid != 0 { throw .init("\(folder) must be owned by root (it is owned by uid \(info.st_uid))") }
            if info.st_mode & (S_IWGRP | S_IWOTH) != 0, info.st_mode & S_ISVTX == 0 {
                throw .init("\(folder) must not be writable by its group or others (mode \(String(info.st_mode & 0o7777, radix: 8)))")
            }
            if folder == "/" { break }
            folder = (folder as NSString).deletingLastPathComponent
        }
    }

    /// The runbook folder and every file in it: root's, not writable by anyone else, no links.
    static func requireTrustedRunbooks(_ folder: String) throws(SystemConfiguration.Problem) {
        var info = stat()
        guard lstat(folder, &info) == 0 else { throw .init("the runbook folder \(folder) cannot be examined: \(String(cString: strerror(errno)))") }
        try requireRootOwned(folder, info: info, what: "the runbook folder", regularFile: false)
        try requireRootOwnedAncestors(of: folder)
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw .init("cannot list the runbook folder \(folder): \(error.localizedDescription)")
        }
        for name in names.sorted() {
            let file = folder + "/" + name
            guard lstat(file, &info) == 0 else { throw .init("cannot examine \(file)") }
            let isDirectory = info.st_mode & S_IFMT == S_IFDIR
            try requireRootOwned(file, info: info, what: "the runbook file", regularFile: !isDirectory)
        }
    }

    /// A database or tenant file in a locked deployment: the file itself (its real path, no
    /// symbolic link anywhere on the way), a regular file owned by the service account.
    static func requireServiceFile(_ path: String, owner: uid_t, what: String) throws(SystemConfiguration.Problem) {
        guard let real = realpath(path, nil) else {
            throw .init("\(what) \(path) does not exist (\(String(cString: strerror(errno)))); a senior creates it with handrail init")
        }
        let resolved = String(cString: real)
        free(real)
        if resolved != path { throw .init("\(what) \(path) goes through a symbolic link (to \(resolved)); configure its real path") }
        var info = stat()
        guard lstat(path, &info) == 0 else { throw .init("cannot examine \(path)") }
        if info.st_mode & S_IFMT != S_IFREG { throw .init("\(what) \(path) is not a regular file") }
        if info.st_uid != owner { throw .init("\(what) \(path) must be owned by the service account (uid \(owner)), not uid \(info.st_uid)") }
        if info.st_size == 0 { throw .init("\(what) \(path) is empty; it is not a Handrail database (handrail init creates one)") }
    }
}

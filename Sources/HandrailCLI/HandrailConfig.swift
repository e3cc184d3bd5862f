import Foundation
import Engine
import Runbook

/// `$XDG_CONFIG_HOME/handrail/config.json5` (else `~/.config/handrail/config.json5`):
///
///     { platform: "local", directory: "/srv/handrail/directory.db", database: "/srv/handrail/handrail.db",
///       timeZone: "Europe/Berlin", organisationDomains: ["example.com"], defaultCountryCode: "+49",
///       ticketPattern: "(SUP|HR)-[0-9]+",   // how the organisation's ticket references are written
///       // Checkpoints of the log (after `handrail anchor init`); defaults shown:
///       anchorKey: "DATABASE.anchor-key", checkpointFile: "DATABASE.checkpoints", syslogSocket: "/dev/log",
///       anchorHeartbeatMinutes: "5" }
///
/// Command-line options and environment variables override it; a missing file is no configuration.
struct HandrailConfig {
    var platform: String?
    var directory: String?
    var database: String?
    /// The organisation's time zone (an IANA name, "Europe/Berlin"): "today" for the gates.
    var timeZone: String?
    /// Where Litestream replicates the database (a folder, or an s3:// or sftp:// URL).
    var replica: String?
    /// The `litestream` program, when it is not on the PATH.
    var litestream: String?
    /// `handrail status` warns once the replica has been behind for longer than this.
    var replicationWarnSeconds: Int?
    /// The mail domains of the organisation's staff: a vouching ticket must come from one.
    var organisationDomains: [String] = []
    /// The country calling code of numbers typed without one ("+44").
    var defaultCountryCode: String?
    /// The anchor key file (unlocked mode); default: the database's path + ".anchor-key".
    var anchorKey: String?
    /// The append-only checkpoint file; default: the database's path + ".checkpoints"; "off": none.
    var checkpointFile: String?
    /// The syslog socket checkpoints are sent to; default /dev/log; "off": none.
    var syslogSocket: String?
    /// Minutes between heartbeat checkpoints while the log grows; default 5.
    var anchorHeartbeatMinutes: Int?
    /// Accounts that are privileged whatever the platform or typed facts say.
    var privilegedAccounts: [String] = []
    /// How ticket references are written (a regular expression the whole reference matches);
    /// default: the common ticket systems' forms (`TicketPattern.defaultSource`).
    var ticketPattern: TicketPattern = .standard
    /// Set when the file exists but cannot be read as configuration.
    var problem: String?

    static func path(environment: [String: String]) -> String {
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        return configHome + "/handrail/config.json5"
    }

    static func load(environment: [String: String]) -> HandrailConfig {
        let file = path(environment: environment)
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return HandrailConfig() }
        let node: JSONNode
        do {
            node = try JSON5Parser.parse(text)
        } catch {
            return HandrailConfig(problem: "\(file):\(error.location): \(error.message)")
        }
        guard let members = node.members else { return HandrailConfig(problem: "\(file): expected an object") }
        var config = HandrailConfig()
        for member in members {
            if member.key == "replicationWarnSeconds" {
                guard let seconds = member.value.plain.numberValue, seconds >= 1, seconds <= 86_400, seconds == seconds.rounded() else {
                    return HandrailConfig(problem: "\(file):\(member.keyLocation): \"replicationWarnSeconds\" must be a whole number of seconds from 1 to 86400")
                }
                config.replicationWarnSeconds = Int(seconds)
                continue
            }
            if member.key == "privilegedAccounts" {
                guard let emails = privilegedAccounts(member.value) else {
                    return HandrailConfig(problem: "\(file):\(member.keyLocation): \(privilegedAccountsRule)")
                }
                config.privilegedAccounts = emails
                continue
            }
            if member.key == "organisationDomains" {
                guard let domains = organisationDomains(member.value) else {
                    return HandrailConfig(problem: "\(file):\(member.keyLocation): \(organisationDomainsRule)")
                }
                config.organisationDomains = domains
                continue
            }
            guard let value = member.value.string else {
                return HandrailConfig(problem: "\(file):\(member.keyLocation): \"\(member.key)\" must be a string")
            }
            switch member.key {
            case "platform": config.platform = value
            case "directory": config.directory = value
            case "database": config.database = value
            case "replica": config.replica = value
            case "litestream": config.litestream = value
            case "timeZone":
                guard TimeZone(identifier: value) != nil else {
                    return HandrailConfig(problem: "\(file):\(member.keyLocation): \"\(value)\" is not a time zone (e.g. Europe/Berlin)")
                }
                config.timeZone = value
            case "defaultCountryCode":
                guard Organisation.countryCode(value) != nil else {
                    return HandrailConfig(problem: "\(file):\(member.keyLocation): \"\(value)\" is not a country calling code (e.g. +44)")
                }
                config.defaultCountryCode = value
            case "ticketPattern":
                do { config.ticketPattern = try TicketPattern(value) } catch {
                    return HandrailConfig(problem: "\(file):\(member.keyLocation): ticketPattern: \(error.description)")
                }
            case "anchorKey": config.anchorKey = value
            case "checkpointFile": config.checkpointFile = value
            case "syslogSocket": config.syslogSocket = value
            case "anchorHeartbeatMinutes":
                guard let minutes = Int(value), minutes >= 1 else {
                    return HandrailConfig(problem: "\(file):\(member.keyLocation): anchorHeartbeatMinutes is a whole number of minutes, at least 1")
                }
                config.anchorHeartbeatMinutes = minutes
            default: return HandrailConfig(problem: "\(file):\(member.keyLocation): unknown setting \"\(member.key)\" (platform, directory, database, timeZone, organisationDomains, defaultCountryCode, replica, litestream, replicationWarnSeconds, anchorKey, checkpointFile, syslogSocket, anchorHeartbeatMinutes, privilegedAccounts, ticketPattern)")
            }
        }
        return config
    }

    static let privilegedAccountsRule = "\"privilegedAccounts\" must be a list of ASCII email addresses"
    static let organisationDomainsRule = "\"organisationDomains\" must be a list of ASCII domain names, e.g. [\"example.com\"]"

    /// A list of ASCII email addresses, lower-cased; nil for anything else. (The system
    /// configuration of a locked deployment reads the same setting the same way.)
    static func privilegedAccounts(_ value: JSONNode) -> [String]? {
        guard let items = value.elements, let emails = Optional(items.compactMap(\.string)), emails.count == items.count,
              emails.allSatisfy({ $0.unicodeScalars.allSatisfy(\.isASCII) && FieldValidator.isEmail($0.lowercased()) }) else { return nil }
        return emails.map { $0.lowercased() }
    }

    /// A list of ASCII domain names, lower-cased; nil for anything else.
    static func organisationDomains(_ value: JSONNode) -> [String]? {
        guard let items = value.elements, let domains = Optional(items.compactMap(\.string)), domains.count == items.count,
              domains.allSatisfy({ $0.unicodeScalars.allSatisfy(\.isASCII) && FieldValidator.isEmail("x@" + $0.lowercased()) }) else { return nil }
        return domains.map { $0.lowercased() }
    }
}

extension HandrailConfig {
    /// The settings a command runs with. Locked, the service account's user configuration is
    /// never read: the organisation's domains, default country code and privileged accounts come
    /// from the root-owned system configuration alone (whoever holds the service account could
    /// otherwise add a staff domain or unlist a privileged account). Unlocked, the user's file.
    static func effective(locked: SystemConfiguration?, environment: [String: String]) -> HandrailConfig {
        if let locked { return HandrailConfig(system: locked) }
        return load(environment: environment)
    }

    /// A locked deployment's settings, from the system configuration alone.
    init(system: SystemConfiguration) {
        self.init()
        organisationDomains = system.organisationDomains
        defaultCountryCode = system.defaultCountryCode
        privilegedAccounts = system.privilegedAccounts
        timeZone = system.timeZone.identifier
        replica = system.replica
        litestream = system.litestream
        replicationWarnSeconds = system.replicationWarnSeconds
    }
}

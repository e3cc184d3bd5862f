import Foundation
import Runbook

/// `$XDG_CONFIG_HOME/handrail/config.json5` (else `~/.config/handrail/config.json5`):
///
///     { platform: "local", directory: "/srv/handrail/directory.db", database: "/srv/handrail/handrail.db",
///       timeZone: "Europe/Berlin" }
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
            default: return HandrailConfig(problem: "\(file):\(member.keyLocation): unknown setting \"\(member.key)\" (platform, directory, database, timeZone, replica, litestream, replicationWarnSeconds)")
            }
        }
        return config
    }
}

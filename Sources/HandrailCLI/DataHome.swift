import Foundation

/// The user's data directory (the XDG Base Directory specification's `$XDG_DATA_HOME`, else
/// `~/.local/share`) and what Handrail keeps there: the personal demo database and exports.
enum DataHome {
    static func path(environment: [String: String]) -> String {
        environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
    }

    /// Where the audit browser offers to write its exports.
    static func exports(environment: [String: String]) -> String {
        path(environment: environment) + "/handrail/exports"
    }
}

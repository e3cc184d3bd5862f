/// The exit codes of every `handrail` command. Stable: scripts depend on them.
public enum ExitCode: Int32, Sendable, CaseIterable {
    /// Done.
    case ok = 0
    /// Something broke inside Handrail (a bug, a full disk); nothing half-done was recorded.
    case internalError = 1
    /// The command line was wrong: unknown command, missing argument, malformed value.
    case usage = 2
    /// A gate refused (the message names the checks and why), or a runbook failed its checks.
    case refused = 3
    /// The acting operator's role may not do this.
    case notPermitted = 4
    /// The case is held by someone else, or changed underneath the command.
    case conflict = 5

    public var meaning: String {
        switch self {
        case .ok: return "done"
        case .internalError: return "internal error; nothing half-done was recorded"
        case .usage: return "usage error: unknown command, missing or malformed argument"
        case .refused: return "refused by a gate (the message says which and why), or a runbook has problems"
        case .notPermitted: return "not permitted for your role"
        case .conflict: return "case held by someone else, or changed under you"
        }
    }
}

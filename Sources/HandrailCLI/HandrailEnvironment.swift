import Casework
import Engine
import Foundation
import Platform
import Store

/// Everything a case command needs, resolved once from options and the environment:
/// the database, the acting operator and their role, the runbooks, the platform and the clock.
struct HandrailEnvironment {
    var store: HandrailStore
    var login: String
    var role: Role?
    var library: RunbookLibrary
    var platform: IdentityPlatform
    var timeZone: TimeZone
    var output: CommandOutput
    var clock: @Sendable () -> Date
    /// Who the system says the operator is: set in a locked deployment, nil when the login is
    /// taken from the environment and nobody has verified it.
    var identity: OperatorIdentity?
    /// The application layer over this database and platform, built once per process.
    let desk: CaseDesk
    /// Where this database's checkpoints are signed and sent.
    var anchorSettings: AnchorSettings
    /// Nil when the database is not anchored (no `handrail anchor init`).
    var anchor: CheckpointAnchor?

    var now: Date { clock() }

    enum SetupError: Error {
        case failed(ExitCode, String)
    }

    static func resolve(options: GlobalOptions, context: CommandContext, readOnly: Bool = false) throws(SetupError) -> HandrailEnvironment {
        if let locked = context.locked, let identity = context.identity {
            return try resolveLocked(locked, identity: identity, context: context, readOnly: readOnly)
        }
        // A configuration that cannot be read is said first: it may be what names the database.
        if let problem = context.config.problem {
            throw .failed(.usage, "handrail: configuration: \(SafeText.visible(problem))")
        }
        let path = databasePath(options: options, environment: context.environment, config: context.config)
        let isDemo = path == demoDatabasePath(environment: context.environment)
        try DatabaseCreation.requireOpenable(path, isDemo: isDemo)
        if readOnly, !FileManager.default.fileExists(atPath: path) {
            // A command that reads never creates: "audit verify" of a mistyped path is not "ok: 0 events".
            throw .failed(.usage, "handrail: no database at \(SafeText.visible(path)); check the path (handrail init --senior LOGIN --db PATH creates one)")
        }
        let store: HandrailStore
        do {
            // Opened without create unless it is the demo database: a file removed after the check
            // above is not recreated.
            store = try HandrailStore(path: path, create: isDemo && !readOnly, readOnly: readOnly, now: context.clock)
        } catch {
            // SQLite's own words ("unable to open database file") do not say which file.
            let message = error.description.contains(path) ? error.description : "cannot open the database \(path): \(error.description)"
            throw .failed(StoreErrorMapping.exitCode(error), "handrail: \(SafeText.visible(message))")
        }
        guard let library = context.runbookLibrary() else {
            throw .failed(.usage, "handrail: no Runbooks folder found. Pass --runbooks DIR or set HANDRAIL_RUNBOOKS.")
        }
        let login = OperatorLogin.current(environment: context.environment)
        var role: Role?
        do {
            // A login that could never be added to the roster is not enrolled either: it would be
            // recorded as the actor of every event, escape sequences and all.
            if !store.isReadOnly, OperatorLogin.isValid(login), try store.enrolFirstOperator(login, at: context.clock()) {
                context.output.error("handrail: \(SafeText.visible(login)) is the first operator of \(SafeText.visible(path)) and is now its senior admin.")
                if (path as NSString).lastPathComponent == Self.demoDatabaseName {
                    context.output.error("handrail: \(SafeText.visible(path)) is a DEMO database for trying Handrail; real cases go into a database made with handrail init --senior LOGIN --db PATH.")
                }
            }
            role = try store.role(of: login)
        } catch {
            throw .failed(StoreErrorMapping.exitCode(error), "handrail: \(SafeText.visible(error.description))")
        }
        // Unlocked: the login is whatever the environment says; every event says so.
        store.eventStamp = { [role, login] actor in EventStamp(mode: "unlocked", actorRole: actor == login ? role : nil) }
        let platform = try PlatformChoice.resolve(options: options, context: context, databasePath: path)
        let timeZone = context.timeZone
        var casework = CaseworkContext(store: store, platform: platform, runbooks: { try? library.runbook(id: $0).get() },
                                       timeZone: timeZone, clock: context.clock)
        casework.organisation = context.organisation
        let anchorSettings = AnchorSettings(databasePath: path, config: context.config)
        let anchor = anchorSettings.isAnchored && !store.isReadOnly ? CheckpointAnchor(store: store, settings: anchorSettings, clock: context.clock) : nil
        casework.anchor = anchor
        casework.runbookPin = { library.pin(id: $0) }
        casework.runbookByHash = { library.runbook(sha256: $0) }
        let desk = CaseDesk(casework)
        return HandrailEnvironment(store: store, login: login, role: role, library: library, platform: platform,
                                   timeZone: timeZone, output: context.output, clock: context.clock, desk: desk,
                                   anchorSettings: anchorSettings, anchor: anchor)
    }

    /// `--db`, then `$HANDRAIL_DB`, then the config file's `database`, then the personal demo
    /// database `$XDG_DATA_HOME/handrail/demo.db`, else `~/.local/share/handrail/demo.db` (the XDG
    /// base directory default): a first run on a personal machine never starts the database
    /// real cases will go into; real databases come from `handrail init`.
    static func databasePath(options: GlobalOptions, environment: [String: String], config: HandrailConfig) -> String {
        if let db = options.database { return db }
        if let db = environment["HANDRAIL_DB"], !db.isEmpty { return db }
        if let db = config.database { return db }
        return demoDatabasePath(environment: environment)
    }

    /// `$XDG_DATA_HOME/handrail/demo.db`: the only database a command other than `init` creates.
    static func demoDatabasePath(environment: [String: String]) -> String {
        DataHome.path(environment: environment) + "/handrail/" + demoDatabaseName
    }

    static let demoDatabaseName = "demo.db"

    /// The personal demo database: labelled DEMO wherever the database is shown.
    var isDemoDatabase: Bool { (store.path as NSString).lastPathComponent == Self.demoDatabaseName && identity == nil }

    /// The acting operator, or a message saying who can add them.
    func requireActor() throws(SetupError) -> Actor {
        guard OperatorLogin.isValid(login) else {
            throw .failed(.usage, "handrail: \"\(SafeText.visible(login))\" is not a login name Handrail can record (\(OperatorLogin.rule)); set HANDRAIL_LOGIN to your login name")
        }
        guard let role else {
            let seniors = (try? store.operators().filter { $0.role == .senior }.map(\.login)) ?? []
            let who = seniors.isEmpty ? "a senior admin" : "a senior admin (\(seniors.map { SafeText.visible($0) }.joined(separator: ", ")))"
            throw .failed(.notPermitted, "handrail: \(SafeText.visible(login)) is not on this database's roster. Ask \(who) to run: handrail operator add \(SafeText.visible(login)) --role agent")
        }
        return Actor(login: login, role: role)
    }
}

/// Options every command accepts.
struct GlobalOptions {
    var database: String?
    var platform: String?
    var json = false

    static func take(from args: inout ArgumentList) -> GlobalOptions {
        GlobalOptions(database: args.takeOption("--db"), platform: args.takeOption("--platform"), json: args.takeFlag("--json"))
    }
}

/// The operator's login, unlocked: `HANDRAIL_LOGIN` (automation, tests), else the name of the
/// process's real user id in the password database. Never `SUDO_USER` nor the terminal
/// session's login name (getlogin): an environment variable anyone may set, and a name that is
/// not the account running the command. Who the operator is, verified, is locked mode's
/// (`OperatorIdentity`); unlocked, every event says it was not verified.
enum OperatorLogin {
    static func current(environment: [String: String]) -> String {
        if let forced = environment["HANDRAIL_LOGIN"], !forced.isEmpty { return forced }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid\(getuid())"
    }

    static let rule = "letters, digits, . _ - @; at most 64"

    /// What the roster accepts as a login: ASCII letters, digits and `. _ - @`, at most 64.
    static func isValid(_ login: String) -> Bool {
        !login.isEmpty && login.count <= 64 && login.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-@".unicodeScalars.contains($0))
        }
    }
}

enum StoreErrorMapping {
    static func exitCode(_ error: StoreError) -> ExitCode {
        switch error {
        case .caseChanged, .caseHeld, .subjectChanged: return .conflict
        case .caseNotFound, .caseExists, .notAHandrailDatabase, .newerSchema: return .usage
        case .readOnly, .sqlite: return .internalError
        case .timeWentBackwards: return .refused
        }
    }
}

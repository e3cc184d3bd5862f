import Foundation

/// How a locked deployment admits a process: what it refuses from the environment and the
/// command line, and where the operator's identity comes from.
enum LockedEntry {
    /// Options that would let an operator choose the database, the runbooks or the platform.
    static let forbiddenOptions = ["--db", "--runbooks", "--platform"]

    /// Environment variables that would choose files, the platform, the identity or the time
    /// zone. XDG session variables set by pam_systemd (XDG_SESSION_*, XDG_RUNTIME_DIR, XDG_SEAT,
    /// XDG_VTNR) say nothing Handrail reads and are let through; every other XDG_* is refused.
    static func forbiddenVariable(in environment: [String: String]) -> String? {
        let sessionVariables: Set<String> = ["XDG_RUNTIME_DIR", "XDG_SEAT", "XDG_VTNR"]
        return environment.keys.sorted().first { name in
            name.hasPrefix("HANDRAIL_") || name == "TZ"
                || (name.hasPrefix("XDG_") && !name.hasPrefix("XDG_SESSION_") && !sessionVariables.contains(name))
        }
    }

    static func forbiddenOption(in arguments: [String]) -> String? {
        for word in arguments {
            if word == "--" { return nil }
            if let option = forbiddenOptions.first(where: { word == $0 || word.hasPrefix($0 + "=") }) { return option }
        }
        return nil
    }

    /// Commands a locked deployment does not offer: the demo tenant's tools, and `train check`,
    /// which reads whatever files it is named as the service account. Training itself runs, on a
    /// training database and tenant of its own beside the real database.
    static func refusedCommand(_ arguments: [String]) -> String? {
        let words = arguments.filter { !$0.hasPrefix("-") }
        switch words.first {
        case "train" where words.dropFirst().first == "check":
            return "train check reads the files it is given; check scenarios on a personal machine"
        case "directory" where ["seed", "simulate"].contains(words.dropFirst().first ?? ""):
            return "directory \(words[1]) changes the tenant behind the cases' backs; it is for the demo and training only"
        default: return nil
        }
    }

    struct Admission {
        var arguments: [String]
        var identity: OperatorIdentity
    }

    struct Refused: Error {
        var code: ExitCode
        var message: String
    }

    /// Checks the environment and arguments and establishes who the operator is.
    static func admit(_ arguments: [String], config: SystemConfiguration, environment: [String: String]) throws(Refused) -> Admission {
        if let variable = forbiddenVariable(in: environment) {
            throw Refused(code: .usage, message: "handrail: \(SafeText.visible(variable)) is not accepted in a locked deployment: the system configuration \(config.path) decides the database, runbooks, platform, time zone and who you are. Unset it and try again.")
        }
        var arguments = arguments
        var identity: OperatorIdentity
        if arguments.first == "ssh-entry" {
            guard arguments.count == 2 else {
                throw Refused(code: .usage, message: "handrail ssh-entry: the forced command is ssh-entry LOGIN, nothing more")
            }
            do { identity = try OperatorIdentity.sshEntry(login: arguments[1], config: config, environment: environment) } catch {
                throw Refused(code: .notPermitted, message: "handrail: \(error.message)")
            }
            do { arguments = try SSHCommandGrammar.parse(environment["SSH_ORIGINAL_COMMAND"] ?? "") } catch {
                throw Refused(code: .usage, message: "handrail: \(error.message)")
            }
        } else if arguments.first == "init" {
            let uid = geteuid()
            // Not through sudo: an operator allowed to run Handrail as the service account is
            // not thereby allowed to create its database.
            let viaSudo = environment.keys.contains { $0.hasPrefix("SUDO_") } && environment["SUDO_UID"] != "0"
            guard uid == 0 || (uid == OperatorIdentity.accountUID(config.serviceAccount) && !viaSudo) else {
                throw Refused(code: .notPermitted, message: "handrail init: only root or the service account \(SafeText.visible(config.serviceAccount)) creates the database")
            }
            identity = OperatorIdentity(login: OperatorIdentity.accountName(uid) ?? "uid\(uid)", entry: .system, uid: uid, sudoUID: nil,
                                        loginUID: OperatorIdentity.loginUID(), tty: OperatorIdentity.controllingTTY(), keyFingerprint: nil)
        } else if arguments.first == "anchor", arguments.dropFirst().first == "sign" {
            identity = try anchorHelper(arguments, config: config, environment: environment)
        } else if arguments.first == "anchor", arguments.dropFirst().first == "init", geteuid() == 0 {
            // Root makes the anchor account's key; not through sudo, like init.
            guard !environment.keys.contains(where: { $0.hasPrefix("SUDO_") }) || environment["SUDO_UID"] == "0" else {
                throw Refused(code: .notPermitted, message: "handrail anchor init: root runs it, in a root login")
            }
            identity = OperatorIdentity(login: "root", entry: .system, uid: 0, sudoUID: nil, loginUID: OperatorIdentity.loginUID(),
                                        tty: OperatorIdentity.controllingTTY(), keyFingerprint: nil)
        } else {
            do { identity = try OperatorIdentity.sudoEntry(config: config, environment: environment) } catch {
                throw Refused(code: .notPermitted, message: "handrail: \(error.message)")
            }
        }
        if let option = forbiddenOption(in: arguments) {
            throw Refused(code: .usage, message: "handrail: \(option) is not accepted in a locked deployment: the system configuration \(config.path) names the database, runbooks and platform.")
        }
        if let why = refusedCommand(arguments) {
            throw Refused(code: .usage, message: "handrail: refused in a locked deployment: \(why)")
        }
        if arguments.first == "ssh-entry" {
            throw Refused(code: .usage, message: "handrail: ssh-entry is only the forced command")
        }
        return Admission(arguments: arguments, identity: identity)
    }

    /// `anchor sign`, exactly: run as the anchor account, by the service account through sudo
    /// (sudo sets SUDO_UID itself, sudo(8)). Anyone else, or any other argument, is refused.
    static func anchorHelper(_ arguments: [String], config: SystemConfiguration, environment: [String: String]) throws(Refused) -> OperatorIdentity {
        guard arguments == ["anchor", "sign"] else {
            throw Refused(code: .usage, message: "handrail anchor sign: the helper takes no arguments; the request is one line on standard input")
        }
        guard let account = config.anchorAccount, let anchorUID = OperatorIdentity.accountUID(account) else {
            throw Refused(code: .usage, message: "handrail anchor sign: \(config.path) names no anchor account that exists")
        }
        guard geteuid() == anchorUID, getuid() == anchorUID else {
            throw Refused(code: .notPermitted, message: "handrail anchor sign runs only as the anchor account \(SafeText.visible(account))")
        }
        guard let service = OperatorIdentity.accountUID(config.serviceAccount), environment["SUDO_UID"] == String(service) else {
            throw Refused(code: .notPermitted, message: "handrail anchor sign answers only the service account \(SafeText.visible(config.serviceAccount)), through sudo")
        }
        return OperatorIdentity(login: account, entry: .anchorHelper, uid: anchorUID, sudoUID: service, loginUID: nil, tty: nil, keyFingerprint: nil)
    }
}

/// The words an SSH client may send (`ssh host case show ID`), as SSH_ORIGINAL_COMMAND: split
/// into words on spaces, with '…' and "…" quoting (and \" inside double quotes) so that a
/// reason can have spaces. Nothing is expanded and no shell ever sees it; control characters
/// are refused. An empty command is the wizard.
enum SSHCommandGrammar {
    struct Invalid: Error {
        var message: String
    }

    static let commands: Set<String> = ["case", "audit", "operator", "runbook", "open", "help", "directory", "train", "--help", "-h", "--version", "--json", "--plain"]

    static func parse(_ text: String) throws(Invalid) -> [String] {
        guard text.count <= 8192 else { throw Invalid(message: "the SSH command is too long") }
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for ch in text {
            if ch.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }) {
                throw Invalid(message: "the SSH command contains a control character")
            }
            if escaped {
                current.append(ch)
                escaped = false
                continue
            }
            if let q = quote {
                if ch == q {
                    quote = nil
                } else if ch == "\\" && q == "\"" {
                    escaped = true
                } else {
                    current.append(ch)
                }
                continue
            }
            switch ch {
            case " ":
                if inWord { words.append(current); current = ""; inWord = false }
            case "'", "\"":
                quote = ch
                inWord = true
            default:
                current.append(ch)
                inWord = true
            }
        }
        guard quote == nil, !escaped else { throw Invalid(message: "the SSH command has an unclosed quote") }
        if inWord { words.append(current) }
        if let option = LockedEntry.forbiddenOption(in: words) {
            throw Invalid(message: "\(option) is not accepted in a locked deployment: the system configuration names the database, runbooks and platform.")
        }
        if let first = words.first, !commands.contains(first) {
            throw Invalid(message: "\"\(SafeText.visible(first))\" is not a command Handrail accepts over SSH (\(commands.filter { !$0.hasPrefix("-") }.sorted().joined(separator: ", ")))")
        }
        return words
    }
}

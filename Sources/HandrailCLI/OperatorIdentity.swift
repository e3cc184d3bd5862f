import Foundation
import Runbook
import Hashing

/// Who is at the keyboard, and how Handrail knows. In a locked deployment the login comes from
/// the system — the SSH forced command root wrote into `authorized_keys`, or the user id sudo
/// vouches for and the kernel's login uid confirms — never from the environment or an option.
struct OperatorIdentity: Sendable, Equatable {
    enum Entry: String, Sendable {
        /// `command="… handrail ssh-entry LOGIN"` in an `authorized_keys` line.
        case ssh
        /// `sudo -u SERVICE handrail …`, SUDO_UID matching /proc/self/loginuid.
        case sudo
        /// root or the service account itself (`handrail init`), or root (`handrail anchor init`).
        case system
        /// The anchor account running `handrail anchor sign` for the service account.
        case anchorHelper
        /// An unlocked deployment: HANDRAIL_LOGIN or the process's own login. Not verified.
        case unverified
    }

    var login: String
    var entry: Entry
    var uid: uid_t
    var sudoUID: uid_t?
    var loginUID: uid_t?
    var tty: String?
    /// `SSH_USER_AUTH`'s first `publickey` line (sshd's ExposeAuthInfo), when there is one.
    var keyFingerprint: String?

    var verified: Bool { entry != .unverified }

    /// The "unset" login uid (`(uid_t)-1`, AUDIT_UID_UNSET): no login session set one.
    static let unsetLoginUID: uid_t = 4_294_967_295

    static func loginUID() -> uid_t? {
        guard let text = try? String(contentsOfFile: "/proc/self/loginuid", encoding: .utf8),
              let value = UInt32(text.trimmingWhitespace()), value != unsetLoginUID else { return nil }
        return value
    }

    static func controllingTTY() -> String? {
        for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where isatty(fd) == 1 {
            if let name = ttyname(fd) { return String(cString: name) }
        }
        return nil
    }

    static func accountName(_ uid: uid_t) -> String? {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }

    static func accountUID(_ name: String) -> uid_t? {
        getpwnam(name).map { $0.pointee.pw_uid }
    }

    struct Refusal: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// `ssh-entry LOGIN`: the forced command. It must run as the service account, outside sudo
    /// (sudo always sets SUDO_UID, and an operator cannot unset it through sudo), with no login
    /// uid other than the service account's (an operator's session carries theirs into sudo).
    static func sshEntry(login: String, config: SystemConfiguration, environment: [String: String]) throws(Refusal) -> OperatorIdentity {
        guard config.identitySources.contains("ssh") else { throw Refusal("this deployment does not accept SSH entry (identity: \(config.identitySources.sorted().joined(separator: ", ")))") }
        guard OperatorLogin.isValid(login) else { throw Refusal("ssh-entry: \"\(SafeText.visible(login))\" is not a login name (\(OperatorLogin.rule))") }
        let uid = geteuid()
        guard let service = accountUID(config.serviceAccount), uid == service, getuid() == service else {
            throw Refusal("ssh-entry runs only as the service account \(SafeText.visible(config.serviceAccount)), from its authorized_keys")
        }
        if environment.keys.contains(where: { $0.hasPrefix("SUDO_") }) {
            throw Refusal("ssh-entry cannot be reached through sudo; enter with sudo -u \(SafeText.visible(config.serviceAccount)) handrail COMMAND, as yourself")
        }
        let loginUID = loginUID()
        if let loginUID, loginUID != service {
            throw Refusal("ssh-entry: this process belongs to the login session of uid \(loginUID), not an SSH login of the service account")
        }
        guard environment["SSH_CONNECTION"] != nil else { throw Refusal("ssh-entry is the SSH forced command; it runs only under sshd") }
        return OperatorIdentity(login: login, entry: .ssh, uid: uid, sudoUID: nil, loginUID: loginUID, tty: controllingTTY(),
                                keyFingerprint: keyFingerprint(environment["SSH_USER_AUTH"]))
    }

    /// `sudo -u SERVICE handrail …`: the operator is the account SUDO_UID names, and the kernel's
    /// login uid for this session must be the same account (sudo(8) sets SUDO_UID; the login uid
    /// is set once at login by pam_loginuid and an unprivileged process cannot change it, see
    /// https://www.kernel.org/doc/html/latest/admin-guide/audit/ and pam_loginuid(8)).
    static func sudoEntry(config: SystemConfiguration, environment: [String: String]) throws(Refusal) -> OperatorIdentity {
        let uid = geteuid()
        guard let service = accountUID(config.serviceAccount), uid == service, getuid() == service else {
            throw Refusal("""
            this is a locked deployment: enter through SSH (your key's forced command) or \
            sudo -u \(SafeText.visible(config.serviceAccount)) handrail COMMAND
            """)
        }
        guard config.identitySources.contains("sudo") else { throw Refusal("this deployment does not accept entry through sudo; use SSH") }
        guard let text = environment["SUDO_UID"], let sudoUID = UInt32(text) else {
            throw Refusal("cannot tell who you are: run Handrail through SSH or sudo -u \(SafeText.visible(config.serviceAccount)) handrail COMMAND")
        }
        guard let loginUID = loginUID() else {
            throw Refusal("cannot verify who you are: this session has no login uid (log in through a PAM session, or use SSH)")
        }
        guard loginUID == sudoUID else {
            throw Refusal("cannot verify who you are: sudo names uid \(sudoUID) but this session's login uid is \(loginUID)")
        }
        guard let login = accountName(sudoUID), OperatorLogin.isValid(login) else {
            throw Refusal("uid \(sudoUID) has no account name Handrail can record")
        }
        return OperatorIdentity(login: login, entry: .sudo, uid: uid, sudoUID: sudoUID, loginUID: loginUID, tty: controllingTTY(), keyFingerprint: nil)
    }

    /// The key's type and base64 from sshd's ExposeAuthInfo file ("publickey ssh-ed25519 AAAA…"),
    /// as the SHA256 fingerprint `ssh-keygen -l` prints. sshd(8), ExposeAuthInfo in sshd_config(5).
    static func keyFingerprint(_ authInfoPath: String?) -> String? {
        guard let authInfoPath, let text = try? String(contentsOfFile: authInfoPath, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count >= 3, words[0] == "publickey", let blob = Data(base64Encoded: String(words[2])) else { continue }
            let digest = SSHFingerprint.sha256(blob)
            return "SHA256:" + Data(digest).base64EncodedString().replacingOccurrences(of: "=", with: "")
        }
        return nil
    }
}

/// The key fingerprint `ssh-keygen -l -E sha256` prints: SHA-256 of the key blob.
enum SSHFingerprint {
    static func sha256(_ data: Data) -> [UInt8] {
        SHA256.hash([UInt8](data))
    }
}

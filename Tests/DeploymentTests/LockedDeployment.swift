import Foundation
import HandrailTestSupport

/// A locked deployment of the built `handrail`, installed for real on this machine: a prefix
/// under a root-owned folder, a service account, agent accounts, a system configuration, an
/// OpenSSH server on 127.0.0.1 and a high port with forced commands, and sudoers lines, exactly
/// as the README's "Deploying for a team" describes. Everything it creates is registered for
/// removal the moment it is created, and `tearDown` removes it all, whatever happened.
final class LockedDeployment {
    let id: String
    /// Root-owned 0755: every folder above the configuration must be root's (and /tmp is not a
    /// place sshd's StrictModes accepts for authorized_keys).
    let root: URL
    let prefix: URL
    let scratch: URL
    let keys: URL
    var configPath: String { prefix.appendingPathComponent("etc/handrail/handrail.json5").path }
    var binary: String { prefix.appendingPathComponent("bin/handrail").path }
    var database: String { prefix.appendingPathComponent("var/lib/handrail/handrail.db").path }
    var runbooks: URL { prefix.appendingPathComponent("share/handrail/Runbooks") }

    let service: String
    let senior: String
    let secondSenior: String
    let agent: String
    let trainee: String
    /// An account with a key and sudo rights but no place on the roster.
    let stranger: String
    /// The account that alone reads the anchor key, reached only through `handrail anchor sign`.
    let anchor: String
    var anchorKeyPath: String { prefix.appendingPathComponent("var/lib/handrail-anchor/anchor-key").path }
    var checkpointsPath: String { database + ".checkpoints" }
    /// K0 as `anchor init` printed it at installation, for the auditor's `audit verify --anchors`.
    private(set) var k0 = ""
    var port: Int = 0
    private var cleanups: [(String, () -> Void)] = []

    init() throws {
        guard geteuid() == 0 else {
            throw MissingRequirement("the locked-deployment test installs Handrail, creates accounts and starts sshd: run it as root (.ci/run does)")
        }
        for (tool, package) in [("sshd", "openssh-server"), ("ssh", "openssh-client"), ("ssh-keygen", "openssh-client"), ("sudo", "sudo"),
                                ("visudo", "sudo"), ("useradd", "passwd"), ("setpriv", "util-linux"), ("sqlite3", "sqlite3")] {
            _ = try Requirement.tool(tool, install: "apt-get install \(package)")
        }
        _ = try Requirement.tmux()
        _ = try Requirement.faketime()
        id = String(UUID().uuidString.prefix(6)).lowercased().filter { $0.isLetter || $0.isNumber }
        service = "hrsvc\(id)"
        senior = "hrsen\(id)"
        secondSenior = "hrsnb\(id)"
        agent = "hragt\(id)"
        trainee = "hrtrn\(id)"
        stranger = "hrstr\(id)"
        anchor = "hranc\(id)"
        root = URL(fileURLWithPath: "/var/lib/handrail-e2e-\(id)")
        prefix = root.appendingPathComponent("prefix")
        scratch = root.appendingPathComponent("scratch")
        keys = root.appendingPathComponent("keys")
        do {
            try install()
        } catch {
            tearDown()
            throw error
        }
    }

    private func onTearDown(_ what: String, _ body: @escaping () -> Void) {
        cleanups.append((what, body))
    }

    /// Removes every account, key, file and process this deployment created, last first.
    func tearDown() {
        for (_, body) in cleanups.reversed() { body() }
        cleanups.removeAll()
    }

    // MARK: - Installing

    private func install() throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
        onTearDown("the deployment folder") { [root] in try? FileManager.default.removeItem(at: root) }
        for folder in ["prefix/bin", "prefix/etc/handrail", "prefix/share/handrail/Runbooks", "prefix/var/lib/handrail", "home"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o755])
        }
        for folder in [scratch, keys] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }

        // Accounts: the service account runs Handrail; the others are people.
        try addAccount(service, home: root.appendingPathComponent("home/\(service)").path, system: true)
        try addAccount(anchor, home: root.appendingPathComponent("home/\(anchor)").path, system: true)
        for person in [senior, secondSenior, agent, trainee, stranger] {
            try addAccount(person, home: root.appendingPathComponent("home/\(person)").path, system: false)
        }

        // The binary and the runbooks, root's; the data folder, the service account's alone.
        try sh("install -o root -g root -m 0755 \(q(try HandrailExecutable.locate().path)) \(q(binary))")
        try sh("install -o root -g root -m 0644 \(q(PackagePaths.runbooks.path))/*.json5 \(q(runbooks.path))/")
        try sh("install -d -o root -g root -m 0755 \(q(runbooks.path))/training")
        try sh("install -o root -g root -m 0644 \(q(PackagePaths.runbooks.path))/training/*.json5 \(q(runbooks.path))/training/")
        try sh("chown \(service):\(service) \(q(prefix.path))/var/lib/handrail && chmod 0700 \(q(prefix.path))/var/lib/handrail")
        try sh("install -d -o \(anchor) -g \(anchor) -m 0700 \(q(prefix.path))/var/lib/handrail-anchor")
        try writeRootFile(configPath, configuration())

        // The database, created by root with init, handed to the service account.
        try expect(run([binary, "init", "--senior", senior, "--demo-tenant"]), 0, "root runs init")

        // Keys and forced commands: one authorized_keys line per person, in a root-owned file.
        var lines: [String] = []
        for person in [senior, agent, trainee, stranger] {
            try sh("ssh-keygen -q -t ed25519 -N '' -C \(person) -f \(q(keyPath(person)))")
            let publicKey = try String(contentsOfFile: keyPath(person) + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            lines.append("restrict,pty,command=\"\(binary) ssh-entry \(person)\" \(publicKey)")
        }
        try writeRootFile(authorizedKeysPath, lines.joined(separator: "\n") + "\n")

        // sudo: each person may run exactly the binary as the service account, nothing else.
        let sudoers = "/etc/sudoers.d/handrail-e2e-\(id)"
        onTearDown("sudoers") { try? FileManager.default.removeItem(atPath: sudoers) }
        try sudoersLine().write(toFile: sudoers, atomically: false, encoding: .utf8)
        try sh("chmod 0440 \(q(sudoers)) && visudo -cf \(q(sudoers))")

        // The anchor key, made by root for the anchor account; K0 is printed once.
        let anchored = try run([binary, "anchor", "init"])
        try expect(anchored, 0, "root runs anchor init")
        guard let key = anchored.out.split(whereSeparator: \.isWhitespace).first(where: { $0.count == 64 && $0.allSatisfy(\.isHexDigit) }) else {
            throw ProcessFailure("anchor init printed no K0\n\(anchored)")
        }
        k0 = String(key)

        try startSSHD()

        // The roster, through sudo as the senior.
        try expect(sudo(senior, ["operator", "add", agent, "--role", "agent"]), 0, "senior adds the agent")
        try expect(sudo(senior, ["operator", "add", trainee, "--role", "trainee"]), 0, "senior adds the trainee")
        try expect(sudo(senior, ["operator", "add", secondSenior, "--role", "senior"]), 0, "senior adds a second senior")
    }

    var authorizedKeysPath: String { prefix.appendingPathComponent("etc/handrail/authorized_keys").path }

    func keyPath(_ person: String) -> String { keys.appendingPathComponent(person).path }

    func configuration() -> String {
        """
        // Written by root; its presence makes this installation a locked deployment.
        {
          database: "\(database)",
          runbooks: "\(runbooks.path)",
          platform: "local",
          directory: "\(prefix.path)/var/lib/handrail/directory.db",
          timeZone: "Europe/Berlin",
          serviceAccount: "\(service)",
          identity: ["ssh", "sudo"],
          anchorSinks: [],
          anchorAccount: "\(anchor)",
          anchorKey: "\(anchorKeyPath)",
        }

        """
    }

    func sudoersLine() -> String {
        """
        \(senior),\(secondSenior),\(agent),\(trainee),\(stranger) ALL=(\(service)) NOPASSWD: \(binary)
        Defaults>\(anchor) env_reset
        \(service) ALL=(\(anchor)) NOPASSWD: \(binary) anchor sign

        """
    }

    private func addAccount(_ name: String, home: String, system: Bool) throws {
        try sh("useradd \(system ? "--system" : "") --home-dir \(q(home)) --create-home --shell /bin/sh \(name)")
        onTearDown("account \(name)") { _ = try? self.sh("userdel -r -f \(name) 2>/dev/null || userdel -f \(name)", check: false) }
        // useradd leaves the account locked, and sshd without PAM refuses locked accounts.
        try sh("usermod -p '*' \(name)")
    }

    private func writeRootFile(_ path: String, _ text: String) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        try sh("chown root:root \(q(path)) && chmod 0644 \(q(path))")
    }

    // MARK: - sshd

    func sshdConfig() -> String {
        """
        Port \(port)
        ListenAddress 127.0.0.1
        HostKey \(scratch.path)/ssh_host_ed25519_key
        PidFile \(scratch.path)/sshd.pid
        UsePAM no
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        PubkeyAuthentication yes
        PermitRootLogin no
        AuthorizedKeysFile \(authorizedKeysPath)
        AllowUsers \(service)
        ExposeAuthInfo yes
        StrictModes yes

        """
    }

    private func startSSHD() throws {
        try sh("ssh-keygen -q -t ed25519 -N '' -f \(q(scratch.path))/ssh_host_ed25519_key")
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let sshdPath = try Requirement.tool("sshd", install: "apt-get install openssh-server")
        for attempt in 0..<5 {
            port = Int.random(in: 40_000...60_000)
            let configFile = scratch.appendingPathComponent("sshd_config")
            try sshdConfig().write(to: configFile, atomically: true, encoding: .utf8)
            let log = scratch.appendingPathComponent("sshd-\(attempt).log")
            let pid = try Spawn.start([sshdPath, "-D", "-f", configFile.path, "-E", log.path], environment: ["PATH": Self.path],
                                      out: scratch.appendingPathComponent("sshd.out"), err: scratch.appendingPathComponent("sshd.err"))
            var ended = false
            onTearDown("sshd") {
                if !ended {
                    kill(pid, SIGTERM)
                    _ = waitpid(pid, nil, 0)
                }
            }
            var listening = false
            try waitUntil("sshd listening on 127.0.0.1:\(port)", timeout: 15) {
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                if text.contains("Server listening") { listening = true; return true }
                if Spawn.poll(pid) != nil { ended = true; return true }
                return false
            }
            if listening { return }
        }
        throw ProcessFailure("sshd did not start on any of five ports; see \(scratch.path)/sshd-*.log")
    }

    // MARK: - Running

    static let path = "/usr/sbin:/usr/bin:/sbin:/bin"

    @discardableResult
    func sh(_ command: String, check: Bool = true) throws -> Ran {
        let result = try Spawn.run(["/bin/sh", "-c", command], environment: ["PATH": Self.path], timeout: 60)
        if check, result.status != 0 { throw ProcessFailure("failed: \(command)\n\(result)") }
        return result
    }

    /// Runs a program as root with exactly `environment` (and PATH).
    func run(_ command: [String], environment: [String: String] = [:], timeout: TimeInterval = 60) throws -> Ran {
        try Spawn.run(command, environment: ["PATH": Self.path].merging(environment) { $1 }, timeout: timeout)
    }

    func uid(_ person: String) throws -> String {
        try sh("id -u \(person)").out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `sudo -u SERVICE handrail ARGS` as `person`, from a session whose login uid is theirs
    /// (what pam_loginuid gives a real login; written here by root, before dropping to them).
    /// `sudoOptions` go before `-u` (e.g. `VAR=value` to ask sudo to pass a variable).
    func sudo(_ person: String, _ arguments: [String], environment: [String: String] = [:], sudoOptions: [String] = [],
              prefixCommand: [String] = []) throws -> Ran {
        let uid = try uid(person)
        let gid = try sh("id -g \(person)").out.trimmingCharacters(in: .whitespacesAndNewlines)
        let script = "echo \(uid) > /proc/self/loginuid && exec setpriv --reuid=\(uid) --regid=\(gid) --clear-groups \"$@\""
        let words = ["sudo", "-n"] + sudoOptions + ["-u", service] + prefixCommand + [binary] + arguments
        return try run(["/bin/sh", "-c", script, "sh"] + words, environment: environment)
    }

    /// Runs the binary as the service account directly, pretending to have come through sudo
    /// as `person` (the login uid is really theirs): what an attacker gets if some wrapper let an
    /// environment variable or a preload library through.
    func asServiceImpersonating(_ person: String, _ arguments: [String], environment: [String: String] = [:],
                                prefixCommand: [String] = []) throws -> Ran {
        let uid = try uid(person)
        let serviceUID = try self.uid(service)
        let gid = try sh("id -g \(service)").out.trimmingCharacters(in: .whitespacesAndNewlines)
        var env = ["SUDO_UID": uid, "SUDO_USER": person, "SUDO_COMMAND": binary]
        env.merge(environment) { $1 }
        let script = "echo \(uid) > /proc/self/loginuid && exec setpriv --reuid=\(serviceUID) --regid=\(gid) --clear-groups \"$@\""
        return try run(["/bin/sh", "-c", script, "sh"] + prefixCommand + [binary] + arguments, environment: env)
    }

    /// `/bin/sh -c SCRIPT` as the service account itself (what whoever holds that account can do).
    func asService(_ script: String) throws -> Ran {
        let uid = try uid(service)
        let gid = try sh("id -g \(service)").out.trimmingCharacters(in: .whitespacesAndNewlines)
        return try run(["/bin/sh", "-c", "exec setpriv --reuid=\(uid) --regid=\(gid) --clear-groups /bin/sh -c \"$1\"", "sh", script])
    }

    /// `ssh -i KEY SERVICE@127.0.0.1 WORDS` (no terminal): the forced command decides what runs.
    func ssh(_ person: String, _ words: String, options: [String] = []) throws -> Ran {
        try run(["/usr/bin/ssh"] + sshOptions(person) + options + ["--", "\(service)@127.0.0.1"] + (words.isEmpty ? [] : [words]))
    }

    func sshOptions(_ person: String) -> [String] {
        ["-i", keyPath(person), "-p", "\(port)", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
         "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"]
    }

    /// Events in the log, counted by root reading the file directly (read-only).
    func eventCount(excludingSessions: Bool = false) throws -> Int {
        let condition = excludingSessions ? " WHERE type <> 'session.started'" : ""
        let result = try run(["/usr/bin/sqlite3", "-readonly", database, "SELECT count(*) FROM events\(condition)"])
        guard result.status == 0, let n = Int(result.out.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ProcessFailure("cannot count events: \(result)")
        }
        return n
    }

    func query(_ sql: String) throws -> String {
        let result = try run(["/usr/bin/sqlite3", "-readonly", database, sql])
        guard result.status == 0 else { throw ProcessFailure("query failed: \(result)") }
        return result.out
    }

    private func expect(_ result: Ran, _ status: Int32, _ what: String) throws {
        guard result.status == status else { throw ProcessFailure("\(what): expected exit \(status)\n\(result)") }
    }

    func q(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

/// Programs run by posix_spawn and reaped by waitpid on their own pid, output to files: the
/// deployment's children (sudo, setpriv, ssh, sshd) change credentials and outlive one another,
/// and Foundation's Process did not always notice one of them end.
enum Spawn {
    static func start(_ argv: [String], environment: [String: String], out: URL, err: URL) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, err.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so that a timeout can stop it and whatever it started.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
        guard rc == 0 else { throw ProcessFailure("cannot run \(argv[0]): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// The exit status once `pid` has ended (128 + signal for a signal), or nil while it runs.
    static func poll(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        let rc = waitpid(pid, &status, WNOHANG)
        guard rc == pid else { return nil }
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    static func run(_ argv: [String], environment: [String: String], timeout: TimeInterval) throws -> Ran {
        let name = UUID().uuidString
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("hr-e2e-\(name).out")
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("hr-e2e-\(name).err")
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        let pid = try start(argv, environment: environment, out: out, err: err)
        var status: Int32?
        do {
            try waitUntil("\(argv.joined(separator: " ")) to finish", timeout: timeout, interval: 0.02) {
                status = poll(pid)
                return status != nil
            }
        } catch {
            kill(-pid, SIGKILL)
            _ = waitpid(pid, nil, 0)
            throw error
        }
        return Ran(argv: argv, status: status ?? -1, out: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                   err: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}

/// What one program run did.
struct Ran: CustomStringConvertible {
    var argv: [String]
    var status: Int32
    var out: String
    var err: String

    var description: String {
        "\(argv.joined(separator: " ")) → exit \(status)\n--- stdout\n\(out.prefix(3000))\n--- stderr\n\(err.prefix(3000))"
    }
}

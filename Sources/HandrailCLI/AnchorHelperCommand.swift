import Anchoring
import Foundation

/// `handrail anchor sign`: the fixed helper of a locked deployment, run as the anchor account
/// by the service account through exactly one sudoers rule,
///
///     SERVICE ALL=(ANCHOR) NOPASSWD: /opt/handrail/bin/handrail anchor sign
///
/// sudoers(5): a command with arguments in the rule matches only those exact arguments, so the
/// service account can run nothing else as the anchor account and pass it no option; `env_reset`
/// (the default) gives the helper a fresh environment. The helper reads one `AnchorRequest`
/// line on standard input, checks it against the key file's own record of the last checkpoint
/// (`AnchorHelper`), signs and evolves the key, and prints one `AnchorReply` line. It opens no
/// database and reads no runbook: it holds the key and nothing else.
enum AnchorHelperCommand {
    /// What the service account's process runs to reach the helper.
    static func invocation(account: String, executable: String) -> [String] {
        let sudo = ["/usr/bin/sudo", "/bin/sudo"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/sudo"
        // -n: never ask for a password (sudo(8)); the rule is NOPASSWD, and a prompt would hang the operator.
        return [sudo, "-n", "-u", account, "--", executable, "anchor", "sign"]
    }

    static func run(config: SystemConfiguration, output: CommandOutput, clock: () -> Date) -> ExitCode {
        guard let keyPath = config.anchorKey else {
            output.error("handrail anchor sign: \(config.path) names no anchorAccount and anchorKey")
            return .usage
        }
        if let problem = keyFileProblem(keyPath) {
            output.print(AnchorReply.refused(.helper(problem)).line)
            return .refused
        }
        let line = readRequestLine()
        let reply = AnchorHelper.answer(line ?? "", signer: KeyFileSigner(path: keyPath), now: CheckpointTime.milliseconds(clock()))
        output.print(reply.line)
        if case .refused = reply { return .refused }
        return .ok
    }

    /// The key must be the helper's own: a regular 0600 file of the account running it, in a
    /// folder of that account that nobody else may enter, so the service account cannot read it
    /// or swap it for a key of its own.
    static func keyFileProblem(_ path: String) -> String? {
        let me = geteuid()
        var info = stat()
        let folder = (path as NSString).deletingLastPathComponent
        guard lstat(folder, &info) == 0 else { return "cannot examine \(folder): \(String(cString: strerror(errno)))" }
        if info.st_mode & S_IFMT != S_IFDIR || info.st_uid != me || info.st_mode & 0o077 != 0 {
            return "the key's folder \(folder) must be the anchor account's, mode 0700"
        }
        guard lstat(path, &info) == 0 else {
            return errno == ENOENT ? "no anchor key at \(path): root runs handrail anchor init" : "cannot examine \(path): \(String(cString: strerror(errno)))"
        }
        if info.st_mode & S_IFMT != S_IFREG || info.st_uid != me || info.st_mode & 0o077 != 0 {
            return "the anchor key \(path) must be a regular file of the anchor account, mode 0600"
        }
        return nil
    }

    /// One line from standard input, at most `AnchorRequest.maximumLength` bytes; nil for more.
    static func readRequestLine() -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while bytes.count <= AnchorRequest.maximumLength {
            let n = read(STDIN_FILENO, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 || byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return nil
    }
}

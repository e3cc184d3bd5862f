import Foundation
import Runbook

/// Locked mode's signer: the key belongs to a separate anchor account and the process that
/// writes the log never reads it. Each request runs the fixed helper command (`sudo -n -u
/// ANCHOR /path/handrail anchor sign`, the one command the service account may run as that
/// account) with one `AnchorRequest` line on its standard input and reads its one-line answer.
///
/// Signing and delivering happen under an exclusive `flock(2)` on `lockPath` (a file of the
/// service account's beside the database), so two operators' processes hand their checkpoints
/// to the sinks and the backlog one after another, as `KeyFileSigner`'s lock does unlocked.
public final class HelperSigner: CheckpointSigner {
    public let command: [String]
    public let lockPath: String
    private var databaseID: String?

    public init(command: [String], lockPath: String) {
        self.command = command
        self.lockPath = lockPath
    }

    public func status() throws(AnchorError) -> AnchorStatus {
        switch try ask(.status) {
        case .status(let status):
            databaseID = status.databaseID
            return status
        case .refused(let error): throw error
        default: throw .helper("answered a status request with something else")
        }
    }

    public func sign(seq: Int64, head: [UInt8], time: Int64, cases: [String]?, force: Bool, deliver: (Checkpoint) -> Void) throws(AnchorError) -> Checkpoint? {
        let db: String
        if let databaseID { db = databaseID } else { db = try status().databaseID }
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(lockPath, "cannot open the anchor lock: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw .io(lockPath, "cannot lock: \(String(cString: strerror(errno)))") }
        }
        let request = AnchorRequest.sign(databaseID: db, seq: seq, head: head, time: time, cases: cases ?? [], force: force)
        switch try ask(request) {
        case .signed(let checkpoint):
            guard checkpoint.databaseID == db, checkpoint.seq == seq, checkpoint.head == head, checkpoint.timeMilliseconds == time,
                  checkpoint.cases == Checkpoint.bounded(cases ?? []) else {
                throw .helper("signed a checkpoint other than the one asked for")
            }
            deliver(checkpoint)
            return checkpoint
        case .unchanged: return nil
        case .refused(let error): throw error
        case .status: throw .helper("answered a sign request with a status")
        }
    }

    /// Runs the helper with `request` on its standard input; its answer, or why there is none.
    func ask(_ request: AnchorRequest) throws(AnchorError) -> AnchorReply {
        let (status, out, err) = try Self.run(command, input: request.line + "\n")
        let line = String(decoding: out, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        if let reply = AnchorReply.parse(line) { return reply }
        let said = AnchorReply.oneLine(String(decoding: err.prefix(400), as: UTF8.self).trimmingWhitespace())
        throw .helper("\(command.joined(separator: " ")) exited \(status)\(said.isEmpty ? "" : ": " + said)")
    }

    /// POSIX_SPAWN_SETSID of glibc's <spawn.h> (since 2.26), which Swift's Glibc module does not export.
    static let spawnSetSID: Int16 = 0x80

    /// posix_spawn(3) with pipes for the three standard streams, in a session of its own
    /// (POSIX_SPAWN_SETSID): the helper, and sudo in front of it, never see the operator's
    /// terminal, so sudo runs it without a pseudo-terminal and it cannot read or write the screen.
    static func run(_ argv: [String], input: String) throws(AnchorError) -> (Int32, [UInt8], [UInt8]) {
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0 else { throw .helper("cannot make a pipe") }
        guard pipe(&outPipe) == 0 else { close(inPipe[0]); close(inPipe[1]); throw .helper("cannot make a pipe") }
        guard pipe(&errPipe) == 0 else {
            [inPipe[0], inPipe[1], outPipe[0], outPipe[1]].forEach { close($0) }
            throw .helper("cannot make a pipe")
        }
        // Close-on-exec: the helper gets these only as its 0, 1 and 2 (dup2 clears the flag there).
        for fd in inPipe + outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Self.spawnSetSID)
        let cArgs = argv.map { strdup($0) } + [nil]
        // The helper's environment is sudo's to set (env_reset); nothing of the caller's is passed.
        let cEnv: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
        close(outPipe[1])
        close(errPipe[1])
        defer {
            close(outPipe[0])
            close(errPipe[0])
        }
        guard rc == 0 else {
            close(inPipe[0])
            close(inPipe[1])
            throw .helper("cannot run \(argv[0]): \(String(cString: strerror(rc)))")
        }
        // The request (a few hundred bytes) fits in the pipe; the read end stays open here until it
        // is written, so a helper that ended early cannot make this write raise SIGPIPE (pipe(7)).
        let bytes = Array(input.utf8)
        _ = bytes.withUnsafeBytes { write(inPipe[1], $0.baseAddress, bytes.count) }
        close(inPipe[1])
        close(inPipe[0])
        let out = readAll(outPipe[0])
        let err = readAll(errPipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F), out, err)
    }

    /// Everything up to end of file, at most 64 KiB (the helper writes one line).
    static func readAll(_ fd: Int32) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while out.count < 65_536 {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out += buffer.prefix(n)
        }
        return out
    }
}

import Foundation

/// A tool or privilege a test needs and this machine lacks. Tests never skip for want of one:
/// they fail, and the message says what to install. `.ci/run` installs all of them on Debian.
public struct MissingRequirement: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

public enum Requirement {
    /// The path of an installed program, looked for on PATH and in the usual folders; throws
    /// `MissingRequirement` naming `install` when it is not there.
    public static func tool(_ name: String, install: String) throws -> String {
        if let path = which(name) { return path }
        throw MissingRequirement("\(name) is not installed, and this test needs it: \(install) (.ci/run installs it)")
    }

    /// tmux, for the tests that drive the real binary in a real terminal.
    public static func tmux() throws -> String {
        try tool("tmux", install: "install tmux (Debian: apt-get install tmux)")
    }

    /// strace, which counts the disk syncs (fsync, fdatasync) the binary under test makes.
    public static func strace() throws -> String {
        try tool("strace", install: "install strace (Debian: apt-get install strace)")
    }

    /// faketime, which sets the wall clock the binary under test sees.
    public static func faketime() throws -> String {
        let path = try tool("faketime", install: "install faketime and libfaketime (Debian: apt-get install faketime)")
        removeStaleFaketimeSemaphores()
        return path
    }

    /// The `faketime` wrapper names a semaphore and a shared-memory segment after its own pid
    /// (`/dev/shm/sem.faketime_sem_PID`, `/dev/shm/faketime_shm_PID`) and removes them when it
    /// exits; a wrapper that was killed leaves them behind, and a later wrapper given the same pid
    /// then refuses to start ("sem_open: File exists"). Those of processes no longer alive are
    /// removed here, before a test starts one.
    public static func removeStaleFaketimeSemaphores() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/dev/shm") else { return }
        for name in names {
            let pidText: Substring
            if name.hasPrefix("sem.faketime_sem_") { pidText = name.dropFirst("sem.faketime_sem_".count) }
            else if name.hasPrefix("faketime_shm_") { pidText = name.dropFirst("faketime_shm_".count) }
            else { continue }
            guard let pid = pid_t(pidText), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: "/dev/shm/" + name)
        }
    }

    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin", "/sbin"]
        return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

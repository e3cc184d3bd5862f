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

    /// faketime, which sets the wall clock the binary under test sees.
    public static func faketime() throws -> String {
        try tool("faketime", install: "install faketime and libfaketime (Debian: apt-get install faketime)")
    }

    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin", "/sbin"]
        return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

import Foundation

/// The explicit setup every real database goes through: only `handrail init` creates one (a
/// write command given a path with no database there refuses, exit 2), so a harness that points
/// `HANDRAIL_DB` at a fresh temporary path runs `init` once, before its first command, with that
/// command's login as the first senior admin.
public enum DatabaseInit {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `handrail init --senior SENIOR` on `environment`'s `HANDRAIL_DB` unless a file is
    /// already there or `arguments` (the command about to run) is `init` itself or names its own
    /// `--db`. A senior that is not a valid login is left to the command to refuse.
    public static func ensure(binary: URL, environment: [String: String], before arguments: [String], senior: String,
                              directory: URL, faketime: FakeTime? = nil) throws {
        guard let database = environment["HANDRAIL_DB"], !database.isEmpty, arguments.first != "init", !arguments.contains("--db"),
              !FileManager.default.fileExists(atPath: database) else { return }
        let result = try ChildProcess.run(binary, ["init", "--senior", senior], environment: environment, directory: directory,
                                          scratch: directory, faketime: faketime)
        guard result.status == 0 || result.status == 2 && result.err.contains("name the first senior admin") else {
            throw Failure(description: "handrail init --senior \(senior) on \(database) → exit \(result.status)\n\(result.err)")
        }
    }
}

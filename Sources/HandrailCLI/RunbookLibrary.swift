import Engine
import Foundation
import Runbook

/// Where runbooks come from: `--runbooks DIR`, then `HANDRAIL_RUNBOOKS`, then a `Runbooks`
/// folder beside the executable (`share/handrail/Runbooks` for an installed build, or the
/// package's own folder for a build in the source tree), then `./Runbooks`.
public struct RunbookLibrary: Sendable {
    public var directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public static func locate(explicit: String?, environment: [String: String], executable: URL) -> RunbookLibrary? {
        if let explicit { return RunbookLibrary(directory: URL(fileURLWithPath: explicit)) }
        if let env = environment["HANDRAIL_RUNBOOKS"], !env.isEmpty { return RunbookLibrary(directory: URL(fileURLWithPath: env)) }
        var candidates: [URL] = []
        var dir = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        candidates.append(dir.deletingLastPathComponent().appendingPathComponent("share/handrail/Runbooks"))
        for _ in 0..<5 {
            candidates.append(dir.appendingPathComponent("Runbooks"))
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Runbooks"))
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("mfa-recovery.json5").path) }
            .map(RunbookLibrary.init(directory:))
    }

    /// The runbook files in the library, by file name.
    public func files() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json5" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    public enum LoadError: Error, Sendable {
        case unreadable(URL, String)
        case invalid(URL, [RunbookProblem])
        case notFound(String, available: [String])
    }

    public static func load(file: URL) -> Result<Runbook, LoadError> {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            return .failure(.unreadable(file, "cannot read it as UTF-8 text (\(error.localizedDescription))"))
        }
        switch EngineVocabulary.load(text) {
        case .valid(let runbook): return .success(runbook)
        case .invalid(let problems): return .failure(.invalid(file, problems))
        }
    }

    /// Every runbook in the library, valid or not.
    public func loadAll() throws -> [(URL, Result<Runbook, LoadError>)] {
        try files().map { ($0, Self.load(file: $0)) }
    }

    public func runbook(id: String) throws -> Result<Runbook, LoadError> {
        let all = try loadAll()
        for (_, result) in all {
            if case .success(let runbook) = result, runbook.id == id { return .success(runbook) }
        }
        if let (_, result) = all.first(where: { $0.0.deletingPathExtension().lastPathComponent == id }) { return result }
        let ids = all.compactMap { try? $0.1.get().id }
        return .failure(.notFound(id, available: ids))
    }
}

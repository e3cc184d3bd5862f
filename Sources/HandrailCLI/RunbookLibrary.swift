import Engine
import Foundation
import Hashing
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
        /// Two files in the folder declare the same id: which one applies would be a guess.
        case duplicateID(String, [URL])
    }

    /// The runbook in `file`, parsed and checked at most once per process for the same bytes
    /// (`RunbookCache`).
    public static func load(file: URL) -> Result<Runbook, LoadError> {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return .failure(.unreadable(file, "is a folder, not a runbook file"))
        }
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            return .failure(.unreadable(file, "cannot be read: \(Self.why(error))"))
        }
        switch RunbookCache.shared.entry(bytes: [UInt8](data)).outcome {
        case .valid(let runbook): return .success(runbook)
        case .invalid(let problems): return .failure(.invalid(file, problems))
        }
    }

    /// Why a file could not be read, in words (not "NSCocoaErrorDomain error 256").
    static func why(_ error: Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let posix = underlying, posix.domain == NSPOSIXErrorDomain, let text = strerror(Int32(posix.code)) {
            return String(cString: text).lowercased()
        }
        return error.localizedDescription
    }

    /// Every runbook in the library, valid or not.
    public func loadAll() throws -> [(URL, Result<Runbook, LoadError>)] {
        try files().map { ($0, Self.load(file: $0)) }
    }

    /// Every event type the log can hold from these runbooks: the fixed names and each valid
    /// runbook's own, sorted, for the audit browser's completion.
    public var eventTypes: [String] {
        let runbooks = ((try? loadAll()) ?? []).compactMap { try? $0.1.get() }
        return Array(Set(EventCodec.Name.fixed + runbooks.flatMap(EventCodec.Name.recorded(by:)))).sorted()
    }

    public func runbook(id: String) throws -> Result<Runbook, LoadError> {
        let all = try loadAll()
        if let duplicate = Self.duplicateIDs(all).first(where: { $0.id == id }) { return .failure(.duplicateID(id, duplicate.files)) }
        for (_, result) in all {
            if case .success(let runbook) = result, runbook.id == id { return .success(runbook) }
        }
        if let (_, result) = all.first(where: { $0.0.deletingPathExtension().lastPathComponent == id }) { return result }
        let ids = all.compactMap { try? $0.1.get().id }
        return .failure(.notFound(id, available: ids))
    }

    /// Ids declared by more than one file, with the files.
    static func duplicateIDs(_ all: [(URL, Result<Runbook, LoadError>)]) -> [(id: String, files: [URL])] {
        var byID: [String: [URL]] = [:]
        for (url, result) in all { if case .success(let runbook) = result { byID[runbook.id, default: []].append(url) } }
        return byID.filter { $0.value.count > 1 }.map { ($0.key, $0.value) }.sorted { $0.id < $1.id }
    }

    /// The SHA-256 (hex) and file name of the file that defines runbook `id`: what a case opened
    /// now is pinned to.
    public func pin(id: String) -> (sha256: String, file: String)? {
        guard let all = try? loadAll(), Self.duplicateIDs(all).isEmpty,
              let (url, _) = all.first(where: { (try? $0.1.get().id) == id }),
              let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return (RunbookCache.shared.entry(bytes: [UInt8](data)).sha256, url.lastPathComponent)
    }

    /// The runbook in the file whose content has this SHA-256, loaded from exactly those bytes
    /// (parsed once per process for those bytes: `RunbookCache`).
    public func runbook(sha256: String) -> Runbook? {
        guard let urls = try? files() else { return nil }
        let wanted = sha256.lowercased()
        for url in urls {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            let entry = RunbookCache.shared.entry(bytes: [UInt8](data))
            guard entry.sha256 == wanted, case .valid(let runbook) = entry.outcome else { continue }
            return runbook
        }
        return nil
    }
}

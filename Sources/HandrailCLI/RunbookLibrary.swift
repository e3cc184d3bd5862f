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

    /// The runbook files in the library, by file name. Listed with readdir(3): every look-up of a
    /// case's runbook lists the folder (a file may have come or gone), and Foundation's listing
    /// cost more than the rest of the look-up.
    public func files() throws(FolderUnreadable) -> [URL] {
        guard let folder = opendir(directory.path) else { throw FolderUnreadable(code: errno) }
        defer { closedir(folder) }
        RunbookCache.shared.countListing()
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(folder) else {
                if errno != 0 { throw FolderUnreadable(code: errno) } // not the end: the listing failed
                break
            }
            // A name that is not UTF-8 cannot be a runbook's (nor be named on a command line).
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                raw.withMemoryRebound(to: CChar.self) { String(validatingCString: $0.baseAddress!) }
            }
            if let name, Self.isRunbookFileName(name[...]) { names.append(name) }
        }
        return names.sorted().map { directory.appendingPathComponent($0, isDirectory: false) }
    }

    /// Which names in the folder are runbooks: `NAME.json5`.
    static func isRunbookFileName(_ name: Substring) -> Bool {
        name.hasSuffix(".json5") && name.count > ".json5".count
    }

    /// Why the folder could not be listed, in the system's words (strerror(3)).
    public struct FolderUnreadable: Error, LocalizedError {
        public var code: Int32
        public var errorDescription: String? { SystemError.text(code) }
        /// Not there, not a folder, not readable: the setting that names it is wrong. Anything
        /// else (no descriptors or memory left, an I/O error) is not the operator's doing.
        public var isTheSettings: Bool { [ENOENT, ENOTDIR, EACCES, ELOOP, ENAMETOOLONG].contains(code) }
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
        read(file).flatMap { runbook(in: $0, file: file) }
    }

    /// The file's bytes, hashed and parsed (`RunbookCache`), or why there are none.
    static func read(_ file: URL) -> Result<RunbookCache.Entry, LoadError> {
        switch RunbookCache.shared.entry(file: file.path) {
        case .failure(.folder): return .failure(.unreadable(file, "is a folder, not a runbook file"))
        case .failure(.notRegularFile): return .failure(.unreadable(file, "is not a regular file"))
        case .failure(.tooLarge(let bytes)):
            return .failure(.unreadable(file, "is \(bytes) bytes; a runbook file may be at most \(RunbookCache.maximumFileBytes >> 20) MiB"))
        case .failure(.unreadable(let reason)): return .failure(.unreadable(file, "cannot be read: \(reason)"))
        case .success(let entry): return .success(entry)
        }
    }

    private static func runbook(in entry: RunbookCache.Entry, file: URL) -> Result<Runbook, LoadError> {
        switch entry.outcome {
        case .valid(let runbook): return .success(runbook)
        case .invalid(let problems): return .failure(.invalid(file, problems))
        }
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
        // Each file read once: the hash pinned is of the very bytes whose runbook has this id.
        guard let files = try? files() else { return nil }
        let read = files.map { ($0, Self.read($0)) }
        let all = read.map { file, entry in (file, entry.flatMap { Self.runbook(in: $0, file: file) }) }
        guard Self.duplicateIDs(all).isEmpty, let index = all.firstIndex(where: { (try? $0.1.get().id) == id }),
              case .success(let entry) = read[index].1 else { return nil }
        return (entry.sha256, files[index].lastPathComponent)
    }

    /// The runbook in the file whose content has this SHA-256, loaded from exactly those bytes
    /// (parsed once per process for those bytes: `RunbookCache`).
    public func runbook(sha256: String) -> Runbook? {
        let wanted = sha256.lowercased()
        if let (_, entry) = RunbookCache.shared.unchangedFile(sha256: wanted, in: directory.path), case .valid(let runbook) = entry.outcome {
            return runbook
        }
        guard let urls = try? files() else { return nil }
        for url in urls {
            guard case .success(let entry) = RunbookCache.shared.entry(file: url.path),
                  entry.sha256 == wanted, case .valid(let runbook) = entry.outcome else { continue }
            return runbook
        }
        return nil
    }
}

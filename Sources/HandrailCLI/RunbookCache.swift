import Engine
import Foundation
import Hashing
import Runbook

/// Runbook files parsed once per process, by the SHA-256 of their bytes.
///
/// A command used to list the runbook folder and parse and check every file in it two to five
/// times (the case's runbook by its pinned hash, the runbook by id, the pin of a case opened
/// now, the case shown after a decision). The same bytes are parsed and checked only once: the
/// same text always gives the same runbook, so the hash is the key. A parse never happens
/// inside a write transaction on a warm cache, and the first one comes from the read that
/// precedes it.
///
/// A case pinned to a file must be refused the moment that file changes, and a changed file has
/// another hash; so each look-up asks the file system whether the file may have changed since
/// it was last read (`FileStamp`: same inode, size and times, left alone long enough for a
/// change to show), and reads and hashes it again whenever it may have. A long-running wizard
/// used to read and hash every file in the folder two or three times for every decision, a
/// third of the work of a decision besides its commit.
final class RunbookCache: @unchecked Sendable {
    static let shared = RunbookCache()

    /// The SHA-256 (hex) of a file's bytes, and what those bytes are as a runbook.
    struct Entry {
        var sha256: String
        var outcome: RunbookLoader.Outcome
    }

    private let lock = NSLock()
    private var parsed: [String: RunbookLoader.Outcome] = [:]
    private var parseCount = 0
    /// Each file's hash when it was last read, with the stamp it had then: only stamps that stand
    /// for their bytes (`FileStamp.standsForItsBytes`).
    private var read: [String: (stamp: FileStamp, sha256: String)] = [:]
    private var readCount = 0

    /// How many times bytes were parsed in this process: what the tests hold to once per file.
    var parses: Int { lock.withLock { parseCount } }
    /// How many times a file's bytes were read in this process.
    var reads: Int { lock.withLock { readCount } }
    private var listingCount = 0
    /// How many times a runbook folder was listed in this process (`RunbookLibrary.files()`).
    var listings: Int { lock.withLock { listingCount } }
    func countListing() { lock.withLock { listingCount += 1 } }

    /// Why a runbook file gave no bytes.
    enum FileFailure: Error, Equatable {
        case folder
        /// A device, a pipe or a socket: read, it could block or never end.
        case notRegularFile
        case tooLarge(Int64)
        /// The system's reason, in words (strerror(3)).
        case unreadable(String)
    }

    /// The largest runbook file read: the shipped one is about 22 KB.
    static let maximumFileBytes: Int64 = 4 << 20

    /// The file at `path` as a runbook: from what was read before when its stamp has not changed
    /// and had settled, else read and hashed now.
    /// `now`: the file system's clock (`FileStamp.now()`), handed in by the tests.
    func entry(file path: String, now: Int64 = FileStamp.now()) -> Result<Entry, FileFailure> {
        if let stamp = FileStamp(path: path), let known = lock.withLock({ remembered(path, stamp: stamp) }) {
            return .success(known)
        }
        // Not blocking: a pipe named like a runbook must not hang whoever lists the folder.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return .failure(.unreadable(SystemError.text(errno))) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(.unreadable(SystemError.text(errno))) }
        guard info.st_mode & S_IFMT != S_IFDIR else { return .failure(.folder) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .failure(.notRegularFile) }
        guard Int64(info.st_size) <= Self.maximumFileBytes else { return .failure(.tooLarge(Int64(info.st_size))) }
        let stamp = FileStamp(info)
        let bytes: [UInt8]
        switch Self.readAll(descriptor, sizeHint: Int(stamp.size)) {
        case .success(let read): bytes = read
        case .failure(let failure): return .failure(failure)
        }
        let entry = entry(bytes: bytes)
        lock.withLock {
            readCount += 1
            if stamp.standsForItsBytes(at: now) { read[path] = (stamp, entry.sha256) } else { read[path] = nil }
        }
        return .success(entry)
    }

    /// A file in `folder` that was read with this hash and has not changed since (its stamp stood
    /// for its bytes then and is the same now): a long-running wizard finds a case's runbook with one
    /// stat(2), not a listing of the folder and a look at every file in it.
    func unchangedFile(sha256: String, in folder: String) -> (path: String, entry: Entry)? {
        let candidates = lock.withLock {
            read.filter { path, last in
                guard last.sha256 == sha256, let slash = path.lastIndex(of: "/") else { return false }
                // Only a file the folder's listing would give: a file checked by name is not a runbook of the folder.
                return path[..<slash] == folder && RunbookLibrary.isRunbookFileName(path[path.index(after: slash)...])
            }
        }
        for (path, last) in candidates.sorted(by: { $0.key < $1.key }) {
            guard FileStamp(path: path) == last.stamp, let known = lock.withLock({ remembered(path, stamp: last.stamp) }) else { continue }
            return (path, known)
        }
        return nil
    }

    /// What `path` held when it was last read, if it still has that stamp.
    private func remembered(_ path: String, stamp: FileStamp) -> Entry? {
        guard let last = read[path], last.stamp == stamp, let outcome = parsed[last.sha256] else { return nil }
        return Entry(sha256: last.sha256, outcome: outcome)
    }

    private static func readAll(_ descriptor: Int32, sizeHint: Int) -> Result<[UInt8], FileFailure> {
        var bytes = [UInt8](repeating: 0, count: max(sizeHint, 0) + 1)
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(bytes.count, 4096))) }
            let got = bytes.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if got < 0 {
                if errno == EINTR { continue }
                return .failure(errno == EISDIR ? .folder : .unreadable(SystemError.text(errno)))
            }
            if got == 0 { break }
            filled += got
            // A file that grows while it is read is cut off at the limit, not read without end.
            if filled > maximumFileBytes { return .failure(.tooLarge(Int64(filled))) }
        }
        bytes.removeSubrange(filled...)
        return .success(bytes)
    }

    /// The file's bytes as a runbook (bytes that are not UTF-8: one problem at the first bad byte).
    func entry(bytes: [UInt8]) -> Entry {
        let sha256 = SHA256.hash(bytes).hexString
        if let known = lock.withLock({ parsed[sha256] }) { return Entry(sha256: sha256, outcome: known) }
        let outcome = EngineVocabulary.load(Data(bytes))
        lock.withLock {
            parsed[sha256] = outcome
            parseCount += 1
        }
        return Entry(sha256: sha256, outcome: outcome)
    }
}

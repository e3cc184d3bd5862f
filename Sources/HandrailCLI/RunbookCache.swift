import Engine
import Foundation
import Hashing
import Runbook

/// Runbook files parsed once per process, by the SHA-256 of their bytes.
///
/// A command used to list the runbook folder and parse and check every file in it two to five
/// times (the case's runbook by its pinned hash, the runbook by id, the pin of a case opened
/// now, the case shown after a decision). The bytes are still read and hashed every time — a
/// case pinned to a file must be refused the moment that file changes, and a changed file has
/// another hash — but the same bytes are parsed and checked only once: the same text always
/// gives the same runbook, so the hash is the key. A parse never happens inside a write
/// transaction on a warm cache, and the first one comes from the read that precedes it.
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

    /// How many times bytes were parsed in this process: what the tests hold to once per file.
    var parses: Int { lock.withLock { parseCount } }

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

import Foundation
import HandrailTestSupport
import XCTest
@testable import HandrailCLI

/// The runbook is parsed once per process for the same bytes, and a cached parse is never
/// handed out for bytes that changed: a case pinned to a file is refused the moment the file
/// changes, in a long-running wizard as in a new process.
final class RunbookCacheTests: XCTestCase {
    private var folder: URL!
    private var file: URL { folder.appendingPathComponent("mfa-recovery.json5") }

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-runbook-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Bytes no other test has: a comment of this test's own, so the parse counted is this test's.
        let shipped = try String(contentsOf: PackagePaths.runbooks.appendingPathComponent("mfa-recovery.json5"), encoding: .utf8)
        try (shipped + "\n// \(UUID().uuidString)\n").write(to: file, atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Honest path: by id, pinned, by hash and by file, the same bytes are parsed once.
    func testTheSameBytesAreParsedOncePerProcessHoweverTheyAreAskedFor() throws {
        let library = RunbookLibrary(directory: folder)
        let before = RunbookCache.shared.parses
        let byID = try library.runbook(id: "mfa-recovery").get()
        let pin = try XCTUnwrap(library.pin(id: "mfa-recovery"))
        let byHash = try XCTUnwrap(library.runbook(sha256: pin.sha256))
        let byFile = try RunbookLibrary.load(file: file).get()
        for _ in 0..<5 { _ = library.runbook(sha256: pin.sha256) }
        XCTAssertEqual(RunbookCache.shared.parses - before, 1, "one parse for one file's bytes")
        XCTAssertEqual([byHash.id, byFile.id], [byID.id, byID.id])
        XCTAssertEqual(pin.file, "mfa-recovery.json5")
    }

    /// The attack: the file edited while the process runs. The old hash finds nothing (the
    /// pinned case is refused), the new bytes are parsed on their own, and a broken edit is
    /// reported broken, never answered with the parse of the bytes that were there before.
    func testAFileChangedWhileTheProcessRunsIsNeverAnsweredFromTheCache() throws {
        let library = RunbookLibrary(directory: folder)
        let pinned = try XCTUnwrap(library.pin(id: "mfa-recovery"))
        XCTAssertNotNil(library.runbook(sha256: pinned.sha256))

        let original = try String(contentsOf: file, encoding: .utf8)
        try (original + "\n// gates removed\n").write(to: file, atomically: true, encoding: .utf8)
        XCTAssertNil(library.runbook(sha256: pinned.sha256), "the pinned bytes are gone: nothing answers for them")
        let edited = try XCTUnwrap(library.pin(id: "mfa-recovery"))
        XCTAssertNotEqual(edited.sha256, pinned.sha256)
        XCTAssertNotNil(library.runbook(sha256: edited.sha256))

        try "{ id: \"mfa-recovery\", broken".write(to: file, atomically: true, encoding: .utf8)
        guard case .failure(.invalid) = RunbookLibrary.load(file: file) else {
            return XCTFail("a broken file must load as invalid, whatever was parsed before")
        }
        XCTAssertNil(library.runbook(sha256: pinned.sha256))
        XCTAssertNil(library.runbook(sha256: edited.sha256))

        try original.write(to: file, atomically: true, encoding: .utf8)
        XCTAssertNotNil(library.runbook(sha256: pinned.sha256), "the file as it was: the case goes on")
    }

    /// Honest path: a runbook only root may write, that nobody has touched for a while, is read
    /// and hashed once, and found by its pin without listing the folder, however many times a
    /// long-running process looks a case's runbook up.
    func testASettledFileOnlyRootMayWriteIsReadOnceForEveryLookUp() throws {
        try requireRoot()
        try waitUntilSettled(file)
        let library = RunbookLibrary(directory: folder)
        let pin = try XCTUnwrap(library.pin(id: "mfa-recovery"))
        let (reads, listings) = (RunbookCache.shared.reads, RunbookCache.shared.listings)
        for _ in 0..<20 { XCTAssertNotNil(library.runbook(sha256: pin.sha256)) }
        XCTAssertEqual(RunbookCache.shared.reads - reads, 0, "a settled, unchanged file is not read again")
        XCTAssertEqual(RunbookCache.shared.listings - listings, 0, "found with a stat of the file, before any listing")
    }

    /// The attack the times cannot show: a file anyone but root may write could be changed
    /// through a shared memory mapping (or on NFS) without its times moving. Group-writable,
    /// or owned by another account, it is read at every look-up however long ago it changed.
    func testAFileOthersMayWriteIsReadAtEveryLookUp() throws {
        try requireRoot()
        for (mode, owner) in [(mode_t(0o664), uid_t(0)), (mode_t(0o644), uid_t(1))] {
            XCTAssertEqual(chmod(file.path, mode), 0)
            XCTAssertEqual(chown(file.path, owner, gid_t(0)), 0)
            let later = try XCTUnwrap(FileStamp(path: file.path)).changed + 3600
            let before = RunbookCache.shared.reads
            for _ in 0..<3 { _ = try RunbookCache.shared.entry(file: file.path, now: later).get() }
            XCTAssertEqual(RunbookCache.shared.reads - before, 3, "mode \(String(mode, radix: 8)), owner uid \(owner)")
        }
        XCTAssertEqual(chmod(file.path, 0o644), 0)
        XCTAssertEqual(chown(file.path, 0, 0), 0)
        let later = try XCTUnwrap(FileStamp(path: file.path)).changed + 3600
        let before = RunbookCache.shared.reads
        for _ in 0..<3 { _ = try RunbookCache.shared.entry(file: file.path, now: later).get() }
        XCTAssertEqual(RunbookCache.shared.reads - before, 1, "root's own, mode 644: read once")
    }

    /// The attack: a settled file edited in place, the same number of bytes, and its
    /// modification time put back as it was (touch -d). The change time moves with any write
    /// and cannot be put back, so the edit is read: the pinned case finds nothing.
    func testAnEditInPlaceWithItsModificationTimePutBackIsStillSeen() throws {
        try waitUntilSettled(file)
        let library = RunbookLibrary(directory: folder)
        let pinned = try XCTUnwrap(library.pin(id: "mfa-recovery"))
        XCTAssertNotNil(library.runbook(sha256: pinned.sha256))
        var before = stat()
        XCTAssertEqual(stat(file.path, &before), 0)

        try overwriteInPlace(file, replacing: "\n// ", with: "\n//x")
        var times = [before.st_atim, before.st_mtim]
        XCTAssertEqual(utimensat(AT_FDCWD, file.path, &times, 0), 0)
        var after = stat()
        XCTAssertEqual(stat(file.path, &after), 0)
        XCTAssertEqual([after.st_size, after.st_mtim.tv_sec, after.st_mtim.tv_nsec], [before.st_size, before.st_mtim.tv_sec, before.st_mtim.tv_nsec],
                       "the edit keeps the size and the modification time")

        XCTAssertTrue(library.runbook(sha256: pinned.sha256) == nil, "the edited bytes are not the pinned ones")
        XCTAssertNotEqual(library.pin(id: "mfa-recovery")?.sha256, pinned.sha256)
    }

    /// The attack: a settled runbook taken out of the folder (renamed so it no longer counts as
    /// a runbook, or deleted) while the process runs. What was read from it before answers
    /// nothing: the pinned case is refused, as a new process would refuse it.
    func testASettledFileRenamedAwayOrDeletedIsNotFoundByItsHash() throws {
        try waitUntilSettled(file)
        let library = RunbookLibrary(directory: folder)
        let pinned = try XCTUnwrap(library.pin(id: "mfa-recovery"))
        XCTAssertNotNil(library.runbook(sha256: pinned.sha256))

        let disabled = folder.appendingPathComponent("mfa-recovery.json5.disabled")
        try FileManager.default.moveItem(at: file, to: disabled)
        XCTAssertTrue(library.runbook(sha256: pinned.sha256) == nil, "renamed out of the library")
        try FileManager.default.moveItem(at: disabled, to: folder.appendingPathComponent("renamed.json5"))
        XCTAssertNotNil(library.runbook(sha256: pinned.sha256), "the same bytes under another runbook file name")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("renamed.json5"))
        XCTAssertTrue(library.runbook(sha256: pinned.sha256) == nil, "deleted")
    }

    /// The race: a file written, looked up, and written again within the same tick of the file
    /// system's clock has the same stamp both times. So a file changed less than two seconds
    /// before it is looked at is read at every look-up; the clock is read before the look.
    func testAFileChangedMomentsAgoIsReadAtEveryLookUp() throws {
        try requireRoot()
        let changed = try XCTUnwrap(FileStamp(path: file.path)).changed
        var before = RunbookCache.shared.reads
        for _ in 0..<2 { _ = try RunbookCache.shared.entry(file: file.path, now: changed + 1).get() }
        XCTAssertEqual(RunbookCache.shared.reads - before, 2, "changed a moment before: read every time")
        before = RunbookCache.shared.reads
        for _ in 0..<2 { _ = try RunbookCache.shared.entry(file: file.path, now: changed + FileStamp.settleSeconds + 1).get() }
        XCTAssertEqual(RunbookCache.shared.reads - before, 1, "left alone long enough: read once")

        // Written in place again, its modification time put back: the stamp differs (change time).
        let library = RunbookLibrary(directory: folder)
        let pinned = try XCTUnwrap(library.pin(id: "mfa-recovery"))
        var stamp = stat()
        XCTAssertEqual(stat(file.path, &stamp), 0)
        try overwriteInPlace(file, replacing: "\n// ", with: "\n//x")
        var times = [stamp.st_atim, stamp.st_mtim]
        XCTAssertEqual(utimensat(AT_FDCWD, file.path, &times, 0), 0)
        XCTAssertTrue(library.runbook(sha256: pinned.sha256) == nil, "the edited bytes are not the pinned ones")
    }

    /// A modification time set ahead (touch -d) keeps a file unsettled until that time has passed.
    func testAFileDatedAheadIsNotSettledUntilThatTimeHasPassed() throws {
        let ahead = time(nil) + 3600
        var times = [timespec(tv_sec: ahead, tv_nsec: 0), timespec(tv_sec: ahead, tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, file.path, &times, 0), 0)
        let stamp = try XCTUnwrap(FileStamp(path: file.path))
        XCTAssertFalse(stamp.isSettled(at: Int64(time(nil))))
        XCTAssertFalse(stamp.isSettled(at: Int64(ahead)))
        XCTAssertTrue(stamp.isSettled(at: Int64(ahead) + FileStamp.settleSeconds + 1))
    }

    /// Hostile entries in the folder: a pipe named like a runbook, a file too large to be one, a
    /// name that is not UTF-8. Listing and loading neither hang nor read without end, each says
    /// what is wrong, and the runbook beside them is still found.
    func testAPipeAHugeFileAndANameThatIsNotUTF8AreRefusedWithoutHanging() throws {
        let pipe = folder.appendingPathComponent("pipe.json5")
        XCTAssertEqual(mkfifo(pipe.path, 0o644), 0)
        let huge = folder.appendingPathComponent("huge.json5")
        XCTAssertTrue(FileManager.default.createFile(atPath: huge.path, contents: nil))
        XCTAssertEqual(truncate(huge.path, off_t(RunbookCache.maximumFileBytes + 1)), 0)
        var raw = Array(folder.path.utf8) + Array("/bad-".utf8) + [0xFF, 0xFE] + Array(".json5".utf8) + [0]
        let fd = raw.withUnsafeMutableBufferPointer { open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644) }
        XCTAssertGreaterThanOrEqual(fd, 0, "a file named with bytes that are not UTF-8")
        close(fd)

        let library = RunbookLibrary(directory: folder)
        XCTAssertEqual(try library.files().map(\.lastPathComponent), ["huge.json5", "mfa-recovery.json5", "pipe.json5"])
        guard case .failure(.unreadable(_, let why)) = RunbookLibrary.load(file: pipe) else { return XCTFail("a pipe is not a runbook") }
        XCTAssertEqual(why, "is not a regular file")
        guard case .failure(.unreadable(_, let big)) = RunbookLibrary.load(file: huge) else { return XCTFail("too large") }
        XCTAssertEqual(big, "is \(RunbookCache.maximumFileBytes + 1) bytes; a runbook file may be at most 4 MiB")
        XCTAssertEqual(try library.runbook(id: "mfa-recovery").get().id, "mfa-recovery")
    }

    private func requireRoot() throws {
        guard geteuid() == 0 else {
            throw MissingRequirement("this test gives files to root and to another account: run the tests as root (.ci/run does)")
        }
    }

    /// Replaces the first `old` in the file with `new` (same length), writing into the same inode.
    private func overwriteInPlace(_ url: URL, replacing old: String, with new: String) throws {
        precondition(old.utf8.count == new.utf8.count)
        let text = try String(contentsOf: url, encoding: .utf8)
        let range = try XCTUnwrap(text.range(of: old, options: .backwards))
        let edited = Array(text.replacingCharacters(in: range, with: new).utf8)
        let handle = try FileHandle(forWritingTo: url)
        try handle.write(contentsOf: edited)
        try handle.close()
    }

    /// Waits (on the condition, not a fixed time) until the file has been left alone long enough
    /// for its stamp to stand for its bytes.
    private func waitUntilSettled(_ url: URL) throws {
        let deadline = Date().addingTimeInterval(Double(FileStamp.settleSeconds) + 5)
        while FileStamp(path: url.path)?.isSettled(at: FileStamp.now()) != true {
            guard Date() < deadline else { return XCTFail("the file never settled") }
            usleep(50_000)
        }
    }
}

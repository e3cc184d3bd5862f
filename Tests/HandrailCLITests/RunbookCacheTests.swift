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

    /// Honest path: a file nobody has touched for a while is read and hashed once, however many
    /// times a long-running process looks a case's runbook up by its pin.
    func testASettledFileIsReadOnceForEveryLookUp() throws {
        try waitUntilSettled(file)
        let library = RunbookLibrary(directory: folder)
        let pin = try XCTUnwrap(library.pin(id: "mfa-recovery"))
        let before = RunbookCache.shared.reads
        for _ in 0..<20 { XCTAssertNotNil(library.runbook(sha256: pin.sha256)) }
        XCTAssertEqual(RunbookCache.shared.reads - before, 0, "a settled, unchanged file is not read again")
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
    /// system's clock would have the same stamp both times, and no test can make the kernel
    /// stamp two writes alike on demand. So a file that recent is never taken from its stamp:
    /// it is read at every look-up, and an edit with its modification time put back is seen.
    func testAFileChangedMomentsAgoIsReadAtEveryLookUp() throws {
        XCTAssertEqual(FileStamp(path: file.path)?.isSettled, false, "written by setUp just now")
        let library = RunbookLibrary(directory: folder)
        let pinned = try XCTUnwrap(library.pin(id: "mfa-recovery"))
        let before = RunbookCache.shared.reads
        XCTAssertNotNil(library.runbook(sha256: pinned.sha256))
        XCTAssertNotNil(library.runbook(sha256: pinned.sha256))
        XCTAssertEqual(RunbookCache.shared.reads - before, 2, "a file changed moments ago is read every time")

        var stamp = stat()
        XCTAssertEqual(stat(file.path, &stamp), 0)
        try overwriteInPlace(file, replacing: "\n// ", with: "\n//x")
        var times = [stamp.st_atim, stamp.st_mtim]
        XCTAssertEqual(utimensat(AT_FDCWD, file.path, &times, 0), 0)
        XCTAssertTrue(library.runbook(sha256: pinned.sha256) == nil, "the edited bytes are not the pinned ones")
    }

    /// A modification time set in the future (touch -d) never lets a file settle.
    func testAFileDatedInTheFutureNeverSettles() throws {
        var times = [timespec(tv_sec: time(nil) + 3600, tv_nsec: 0), timespec(tv_sec: time(nil) + 3600, tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, file.path, &times, 0), 0)
        XCTAssertEqual(FileStamp(path: file.path)?.isSettled, false)
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
        while FileStamp(path: url.path)?.isSettled != true {
            guard Date() < deadline else { return XCTFail("the file never settled") }
            usleep(50_000)
        }
    }
}

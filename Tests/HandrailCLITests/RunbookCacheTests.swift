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
}

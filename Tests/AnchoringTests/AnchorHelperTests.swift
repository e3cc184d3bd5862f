import Anchoring
import Foundation
import Hashing
import XCTest

/// Locked mode's anchor helper, in process: the one-line grammar (one spelling only), the
/// helper's own checks against its key file (older seq, time before its last checkpoint, time
/// far from its clock, another database), and `HelperSigner` reading the helper's answers.
/// `Tests/DeploymentTests` runs the real helper as a separate account through sudo.
final class AnchorHelperTests: XCTestCase {
    var folder: URL!
    let k0 = [UInt8](repeating: 0x42, count: 32)
    let t0: Int64 = 1_780_000_000_000

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-helper-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func sign(_ seq: Int64, at time: Int64, db: String = "abc", force: Bool = true) -> String {
        AnchorRequest.sign(databaseID: db, seq: seq, head: SHA256.hash([UInt8(seq & 0xFF)]), time: time, cases: ["HR-\(seq)"], force: force).line
    }

    func testTheHelperSignsForwardAndItsCheckpointsVerifyFromK0() throws {
        let signer = try KeyFileSigner.create(path: path("key"), databaseID: "abc", k0: k0)
        XCTAssertEqual(AnchorHelper.answer("status", signer: signer, now: t0),
                       .status(AnchorStatus(databaseID: "abc", nextEpoch: 0, lastSeq: -1, lastTimeMilliseconds: Int64.min)))
        var lines: [String] = []
        for (seq, time) in [(Int64(3), t0), (7, t0 + 1_000), (7, t0 + 2_000)] {
            let reply = AnchorHelper.answer(sign(seq, at: time), signer: signer, now: time)
            guard case .signed(let checkpoint) = reply else { return XCTFail("\(reply)") }
            XCTAssertEqual(AnchorReply.parse(reply.line), reply, "the answer reads back as itself")
            lines.append(checkpoint.line)
        }
        XCTAssertEqual(AnchorHelper.answer(sign(7, at: t0 + 3_000, force: false), signer: signer, now: t0 + 3_000), .unchanged)
        let chain = CheckpointChain(text: lines.joined(separator: "\n") + "\n", k0: k0)
        XCTAssertNil(chain.problem)
        XCTAssertEqual(chain.entries.count, 3)
    }

    func testTheHelperRefusesAnOlderSeqAnEarlierTimeAnotherClockAnotherDatabaseAndAnyOtherSpelling() throws {
        let signer = try KeyFileSigner.create(path: path("key"), databaseID: "abc", k0: k0)
        guard case .signed = AnchorHelper.answer(sign(10, at: t0), signer: signer, now: t0) else { return XCTFail() }
        let refusals: [(String, String)] = [
            (sign(9, at: t0 + 1_000), "refused rolled-back anchored=10 log=9"),
            (sign(11, at: t0 - 1), "the clock went backwards"),
            (sign(11, at: t0 + 86_400_000), "is not the anchor's clock"),
            (sign(11, at: t0 + 1_000, db: "other"), "signs for database abc, not other"),
            (sign(11, at: t0 + 1_000) + " ", "not a request"),
            (sign(11, at: t0 + 1_000).replacingOccurrences(of: "seq=11", with: "seq=011"), "not a request"),
            ("sign db=abc", "not a request"),
            ("status\nstatus", "not a request"),
        ]
        for (request, says) in refusals {
            let reply = AnchorHelper.answer(request, signer: signer, now: t0 + 1_000)
            XCTAssertTrue(reply.line.hasPrefix("refused ") && reply.line.contains(says), "\(request) → \(reply.line)")
            XCTAssertFalse(reply.line.contains("\n"))
        }
        XCTAssertEqual(try signer.status().nextEpoch, 1, "nothing was signed")
        guard case .signed = AnchorHelper.answer(sign(11, at: t0 + 1_000), signer: signer, now: t0 + 1_000) else { return XCTFail() }
    }

    /// The client: a checkpoint the helper signed is handed to `deliver`; a rollback the helper
    /// refused stays an alarm; a helper that cannot be run, or answers nonsense, is an error.
    func testHelperSignerReadsTheHelpersAnswers() throws {
        let key = try KeyFileSigner.create(path: path("key"), databaseID: "abc", k0: k0)
        let status = AnchorReply.status(try key.status()).line
        let checkpoint = try XCTUnwrap(try key.sign(seq: 4, head: SHA256.hash([4]), time: t0, cases: ["HR-4"], force: true) { _ in })
        // A stand-in helper: answers status, then the checkpoint, whatever it is asked.
        let script = path("helper.sh")
        try """
        #!/bin/sh
        read request
        case "$request" in status) echo '\(status)' ;; *) echo 'signed \(checkpoint.line)' ;; esac
        """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o700)
        let signer = HelperSigner(command: [script], lockPath: path("lock"))
        XCTAssertEqual(try signer.status().databaseID, "abc")
        var delivered: [Checkpoint] = []
        XCTAssertEqual(try signer.sign(seq: 4, head: SHA256.hash([4]), time: t0, cases: ["HR-4"], force: true) { delivered.append($0) }, checkpoint)
        XCTAssertEqual(delivered, [checkpoint])
        XCTAssertThrowsError(try signer.sign(seq: 4, head: SHA256.hash([4]), time: t0, cases: ["HR-5"], force: true) { _ in }) {
            XCTAssertTrue("\($0)".contains("other than the one asked for"), "\($0)")
        }

        try "#!/bin/sh\nread request\necho 'refused rolled-back anchored=9 log=4'\nexit 3\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o700)
        XCTAssertThrowsError(try signer.sign(seq: 4, head: SHA256.hash([4]), time: t0, force: true) { _ in }) {
            XCTAssertEqual($0 as? AnchorError, .rolledBack(anchored: 9, log: 4))
        }
        try "#!/bin/sh\necho 'sudo: a password is required' >&2\nexit 1\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o700)
        XCTAssertThrowsError(try HelperSigner(command: [script], lockPath: path("lock")).status()) {
            XCTAssertTrue("\($0)".contains("a password is required"), "\($0)")
        }
        XCTAssertThrowsError(try HelperSigner(command: [path("absent")], lockPath: path("lock")).status())
    }
}

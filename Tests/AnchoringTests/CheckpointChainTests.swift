import Anchoring
import Foundation
import Hashing
import XCTest

/// The checkpoints on their own, from K0: the honest chain verifies; an edited, forged, removed
/// or reordered line fails and is named; a key stolen later cannot sign an earlier epoch.
final class CheckpointChainTests: XCTestCase {
    let k0 = (0..<32).map { UInt8($0 * 7 % 256) }
    let db = "0123456789abcdef0123456789abcdef"

    /// Five honest checkpoints, each under the key of its epoch, chained.
    func honest(_ count: Int = 5) -> [Checkpoint] {
        var key = k0
        var previous = Checkpoint.noPrevious
        var out: [Checkpoint] = []
        for epoch in 0..<count {
            let head = SHA256.hash(Array("event \(epoch * 10)".utf8))
            let c = Checkpoint(databaseID: db, seq: Int64(epoch * 10), head: epoch == 0 ? Checkpoint.noPrevious : head,
                               timeMilliseconds: 1_779_000_000_000 + Int64(epoch) * 60_000, epoch: UInt64(epoch), previous: previous, key: key)
            out.append(c)
            previous = c.hash
            key = AnchorKey.next(key)
        }
        return out
    }

    func text(_ checkpoints: [Checkpoint]) -> String {
        checkpoints.map { $0.line + "\n" }.joined()
    }

    func testHonestCheckpointsVerifyFromK0() {
        let chain = CheckpointChain(text: text(honest()), k0: k0)
        XCTAssertNil(chain.problem)
        XCTAssertEqual(chain.entries.map(\.checkpoint.epoch), [0, 1, 2, 3, 4])
    }

    func testLinesInsideASyslogCollectorsFileAreFoundAndDuplicatesAreOne() {
        let lines = honest().map { "Nov 29 22:00:00 host handrail[42]: \($0.line)" }
        let chain = CheckpointChain(text: (lines + lines.prefix(2) + ["Nov 29 unrelated line"]).joined(separator: "\n"), k0: k0)
        XCTAssertNil(chain.problem)
        XCTAssertEqual(chain.entries.count, 5)
    }

    func testTheWrongK0Fails() {
        let chain = CheckpointChain(text: text(honest()), k0: [UInt8](repeating: 1, count: 32))
        XCTAssertEqual(chain.problem?.epoch, 0)
        XCTAssertTrue(chain.problem!.reason.contains("MAC does not verify"), "\(chain.problem!)")
    }

    func testAnEditedLineIsNamed() {
        var lines = honest().map(\.line)
        // seq 20 → 21 on epoch 2: the MAC no longer covers it.
        lines[2] = lines[2].replacingOccurrences(of: "seq=20 ", with: "seq=21 ")
        let chain = CheckpointChain(text: lines.joined(separator: "\n"), k0: k0)
        XCTAssertEqual(chain.problem?.epoch, 2)
        XCTAssertEqual(chain.problem?.line, 3)
        XCTAssertTrue(chain.problem!.reason.contains("forged or edited"), "\(chain.problem!)")
    }

    func testANonCanonicalLineIsRejectedAsEdited() {
        var lines = honest().map(\.line)
        lines[1] = lines[1].replacingOccurrences(of: "seq=10 ", with: "seq=010 ")
        let chain = CheckpointChain(text: lines.joined(separator: "\n"), k0: k0)
        XCTAssertEqual(chain.problem?.line, 2)
        XCTAssertTrue(chain.problem!.reason.contains("not a well-formed checkpoint"), "\(chain.problem!)")
    }

    func testAForgedMACIsNamed() {
        var forged = honest()
        forged[3].mac = [UInt8](repeating: 0xAB, count: 32)
        let chain = CheckpointChain(text: text(forged), k0: k0)
        XCTAssertEqual(chain.problem?.epoch, 3)
    }

    func testARemovedLineIsMissing() {
        var lines = honest()
        lines.remove(at: 2)
        let chain = CheckpointChain(text: text(lines), k0: k0)
        XCTAssertEqual(chain.problem?.epoch, 2)
        XCTAssertTrue(chain.problem!.reason.contains("missing"), "\(chain.problem!)")
    }

    func testTwoDifferentCheckpointsOfOneEpochFail() {
        let real = honest()
        let other = Checkpoint(databaseID: db, seq: 999, head: real[4].head, timeMilliseconds: real[4].timeMilliseconds, epoch: 4,
                               previous: real[3].hash, key: AnchorKey.derive(from: k0, epoch: 4))
        let chain = CheckpointChain(text: text(real + [other]), k0: k0)
        XCTAssertEqual(chain.problem?.epoch, 4)
        XCTAssertTrue(chain.problem!.reason.contains("differs from the checkpoint of the same epoch"), "\(chain.problem!)")
    }

    /// The forward-security attack: whoever steals the machine's key at epoch 4 holds K(4) only,
    /// and re-signs epoch 2 (to cover a rewritten log) with it. From K0 the auditor derives the
    /// real K(2), and the forged checkpoint does not verify.
    func testACheckpointSignedWithALaterEpochsKeyForAnEarlierEpochFails() {
        let real = honest()
        let stolen = AnchorKey.derive(from: k0, epoch: 4)
        var forged = real
        forged[2] = Checkpoint(databaseID: db, seq: 20, head: SHA256.hash(Array("rewritten".utf8)), timeMilliseconds: real[2].timeMilliseconds,
                               epoch: 2, previous: real[1].hash, key: stolen)
        let chain = CheckpointChain(text: text(forged), k0: k0)
        XCTAssertEqual(chain.problem?.epoch, 2)
        XCTAssertTrue(chain.problem!.reason.contains("MAC does not verify under the key of epoch 2"), "\(chain.problem!)")
        // And the stolen key cannot be run backwards: no earlier key evolves into it except K(3).
        XCTAssertEqual(AnchorKey.next(AnchorKey.derive(from: k0, epoch: 3)), stolen)
    }

    func testTimesGoingBackwardsFail() {
        var key = k0
        var previous = Checkpoint.noPrevious
        var out: [Checkpoint] = []
        for (epoch, minute) in [0, 5, 3].enumerated() {
            let c = Checkpoint(databaseID: db, seq: Int64(epoch), head: SHA256.hash([UInt8(epoch)]), timeMilliseconds: 1_779_000_000_000 + Int64(minute) * 60_000,
                               epoch: UInt64(epoch), previous: previous, key: key)
            out.append(c)
            previous = c.hash
            key = AnchorKey.next(key)
        }
        let chain = CheckpointChain(text: text(out), k0: k0)
        XCTAssertEqual(chain.problem?.epoch, 2)
        XCTAssertTrue(chain.problem!.reason.contains("before the previous checkpoint"), "\(chain.problem!)")
    }

    func testTheLineRoundTripsAndTimesAreCanonical() {
        for c in honest() {
            XCTAssertEqual(Checkpoint.parse(c.line), c)
        }
        XCTAssertEqual(CheckpointTime.format(0), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(CheckpointTime.parse("2026-05-17T10:00:00.123Z"), 1_779_012_000_123)
        XCTAssertNil(CheckpointTime.parse("2026-05-17T10:00:00.123+00:00"))
        XCTAssertNil(CheckpointTime.parse("2026-02-30T10:00:00.000Z"), "a date that does not exist")
    }

    /// Version 2 lines carry the cases covered since the previous checkpoint inside the MAC; a
    /// chain may start with version 1 lines (written before) and go on in version 2; an edited
    /// case list fails its MAC, and a list in any other spelling is malformed.
    func testVersion2CheckpointsRecordTheirCasesUnderTheMACAndFollowVersion1Lines() throws {
        let k0 = [UInt8](repeating: 7, count: 32)
        let first = Checkpoint(databaseID: "db", seq: 3, head: SHA256.hash([3]), timeMilliseconds: 1_000, epoch: 0, previous: Checkpoint.noPrevious, key: k0)
        let second = Checkpoint(databaseID: "db", seq: 9, head: SHA256.hash([9]), timeMilliseconds: 2_000, epoch: 1, previous: first.hash,
                                cases: ["HR-B", "HR-A", "HR-B"], key: AnchorKey.next(k0))
        XCTAssertTrue(first.line.hasPrefix("handrail-checkpoint v1 ") && !first.line.contains("cases="))
        XCTAssertTrue(second.line.hasPrefix("handrail-checkpoint v2 ") && second.line.contains(" cases=HR-A,HR-B mac="), second.line)
        XCTAssertEqual(Checkpoint.parse(second.line), second)
        let chain = CheckpointChain(text: first.line + "\n" + second.line + "\n", k0: k0)
        XCTAssertNil(chain.problem)
        XCTAssertEqual(chain.entries.last?.checkpoint.cases, ["HR-A", "HR-B"])

        let edited = second.line.replacingOccurrences(of: "cases=HR-A,HR-B", with: "cases=HR-A")
        let forged = CheckpointChain(text: first.line + "\n" + edited + "\n", k0: k0)
        XCTAssertTrue(forged.problem?.reason.contains("MAC does not verify") == true, "\(String(describing: forged.problem))")
        XCTAssertNil(Checkpoint.parse(second.line.replacingOccurrences(of: "cases=HR-A,HR-B", with: "cases=HR-B,HR-A")), "one spelling only")
        XCTAssertNil(Checkpoint.parse(second.line.replacingOccurrences(of: "cases=HR-A,HR-B", with: "cases=HR-A,,HR-B")))
        let none = Checkpoint(databaseID: "db", seq: 9, head: SHA256.hash([9]), timeMilliseconds: 2_000, epoch: 1, previous: first.hash, cases: [], key: k0)
        XCTAssertTrue(none.line.contains(" cases=- "), none.line)
        XCTAssertEqual(Checkpoint.parse(none.line)?.cases, [])
        let many = Checkpoint(databaseID: "db", seq: 9, head: SHA256.hash([9]), timeMilliseconds: 2_000, epoch: 1, previous: first.hash,
                              cases: (0..<70).map { "HR-\(1000 + $0)" }, key: k0)
        XCTAssertEqual(many.cases?.count, Checkpoint.maximumCases + 1)
        XCTAssertEqual(many.cases?.last, "+6")
        XCTAssertEqual(Checkpoint.parse(many.line), many)
    }
}

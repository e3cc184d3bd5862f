import Anchoring
import Foundation
import Hashing
import XCTest

/// The key file and the sinks: the key moves forward and the old one is written over; the
/// syslog message is RFC 5424 authpriv; a failing sink keeps its checkpoints and gets them later.
final class KeyFileSignerTests: XCTestCase {
    var folder: URL!
    let k0 = [UInt8](repeating: 0x42, count: 32)

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-anchor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func testSigningEvolvesTheKeyAndOverwritesTheOldOneInAFile0600() throws {
        let signer = try KeyFileSigner.create(path: path("key"), databaseID: "abc", k0: k0)
        let attributes = try FileManager.default.attributesOfItem(atPath: path("key"))
        XCTAssertEqual((attributes[.posixPermissions] as! NSNumber).intValue & 0o777, 0o600)
        XCTAssertTrue(try String(contentsOfFile: path("key"), encoding: .utf8).contains(k0.hexString))

        var delivered: [Checkpoint] = []
        let first = try XCTUnwrap(signer.sign(seq: 0, head: Checkpoint.noPrevious, time: 1_000, force: true) { delivered.append($0) })
        let second = try XCTUnwrap(signer.sign(seq: 5, head: SHA256.hash([5]), time: 2_000, force: false) { delivered.append($0) })
        XCTAssertEqual(delivered, [first, second])
        XCTAssertTrue(first.isSigned(by: k0))
        XCTAssertTrue(second.isSigned(by: AnchorKey.next(k0)))
        XCTAssertEqual(second.previous, first.hash)

        let stored = try String(contentsOfFile: path("key"), encoding: .utf8)
        XCTAssertFalse(stored.contains(k0.hexString), "K0 is written over")
        XCTAssertFalse(stored.contains(AnchorKey.next(k0).hexString), "K1 is written over")
        XCTAssertTrue(stored.contains(AnchorKey.derive(from: k0, epoch: 2).hexString))
        XCTAssertEqual(try signer.status(), AnchorStatus(databaseID: "abc", nextEpoch: 2, lastSeq: 5, lastTimeMilliseconds: 2_000))
    }

    func testNothingNewIsNotSignedUnlessForcedAndARolledBackLogIsRefused() throws {
        let signer = try KeyFileSigner.create(path: path("key"), databaseID: "abc", k0: k0)
        _ = try signer.sign(seq: 7, head: SHA256.hash([7]), time: 1_000, force: true) { _ in }
        XCTAssertNil(try signer.sign(seq: 7, head: SHA256.hash([7]), time: 2_000, force: false) { _ in })
        XCTAssertNotNil(try signer.sign(seq: 7, head: SHA256.hash([7]), time: 2_000, force: true) { _ in })
        XCTAssertThrowsError(try signer.sign(seq: 3, head: SHA256.hash([3]), time: 3_000, force: true) { _ in }) { error in
            XCTAssertEqual(error as? AnchorError, .rolledBack(anchored: 7, log: 3))
        }
    }

    func testASecondInitNeverReplacesTheKey() throws {
        _ = try KeyFileSigner.create(path: path("key"), databaseID: "abc", k0: k0)
        XCTAssertThrowsError(try KeyFileSigner.create(path: path("key"), databaseID: "evil", k0: [UInt8](repeating: 0, count: 32))) { error in
            XCTAssertEqual(error as? AnchorError, .alreadyInitialised(path("key")))
        }
    }

    func testTheSyslogMessageIsRFC5424WithFacilityAuthpriv() {
        let c = Checkpoint(databaseID: "abc", seq: 1, head: SHA256.hash([1]), timeMilliseconds: 1_779_012_000_123, epoch: 0,
                           previous: Checkpoint.noPrevious, key: k0)
        let message = SyslogSink(socketPath: "/nonexistent", hostname: "host1", processID: 42).message(c)
        // PRI 85 = authpriv (10) * 8 + notice (5); VERSION 1; no structured data.
        XCTAssertEqual(message, "<85>1 2026-05-17T10:00:00.123Z host1 handrail 42 checkpoint - \(c.line)")
    }

    func testAFailingSinkKeepsItsCheckpointsAndSendsThemInOrderWhenItRecovers() throws {
        let signer = try KeyFileSigner.create(path: path("key"), databaseID: "abc", k0: k0)
        let socket = path("missing.sock")
        let file = path("checkpoints")
        let publisher = CheckpointPublisher(sinks: [SyslogSink(socketPath: socket), CheckpointFileSink(path: file)], backlogPath: path("key.backlog"))
        var failures: [SinkFailure] = []
        for seq in 0..<3 {
            _ = try signer.sign(seq: Int64(seq), head: SHA256.hash([UInt8(seq)]), time: Int64(seq), force: true) { failures = publisher.deliver($0) }
            XCTAssertEqual(failures.map(\.sink), ["syslog"])
            XCTAssertEqual(failures.first?.pending, seq + 1)
        }
        XCTAssertEqual(CheckpointPublisher.pending(backlogPath: path("key.backlog"))["syslog"]?.map(\.epoch), [0, 1, 2])
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").count, 3, "the file sink is unaffected")

        // Syslog comes back (a datagram socket bound at the path): the backlog goes first, in order.
        let receiver = try DatagramReceiver(path: socket)
        _ = try signer.sign(seq: 3, head: SHA256.hash([3]), time: 3, force: true) { failures = publisher.deliver($0) }
        XCTAssertEqual(failures, [])
        XCTAssertEqual(receiver.receiveAll().compactMap { Checkpoint.find(in: Substring($0)) }.map { found -> UInt64 in
            if case .checkpoint(let c) = found { return c.epoch }
            return 99
        }, [0, 1, 2, 3])
        XCTAssertTrue(CheckpointPublisher.pending(backlogPath: path("key.backlog")).isEmpty)
    }
}

/// A bound AF_UNIX datagram socket standing in for syslog.
final class DatagramReceiver {
    let fd: Int32

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw NSError(domain: "bind", code: Int(errno)) }
    }

    deinit { close(fd) }

    /// Every datagram waiting, without blocking.
    func receiveAll() -> [String] {
        var out: [String] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 8192, Int32(MSG_DONTWAIT)) }
            guard n > 0 else { return out }
            out.append(String(decoding: buffer.prefix(n), as: UTF8.self))
        }
    }
}

import Anchoring
import Casework
import Engine
import Foundation
import Hashing
import Platform
import Runbook
import Store

/// The cost of anchoring: an anchored decision (committed, then a checkpoint signed under the
/// evolving key, the key file rewritten and fsync'd, the line sent to a syslog socket and
/// appended and fsync'd to the checkpoint file) beside the same decision unanchored; and
/// `audit verify --anchors` on the generated log beside sha256sum and `openssl dgst -sha256`
/// of the same bytes.
struct AnchorBench {
    let options: BenchOptions
    let report: BenchReport

    func run() {
        decisionCost()
        verifyThroughput()
    }

    /// Every commit anchored: the bench's anchor signs on every call.
    final class EveryCommit: Anchor {
        let store: HandrailStore
        let signer: KeyFileSigner
        let publisher: CheckpointPublisher
        init(store: HandrailStore, signer: KeyFileSigner, publisher: CheckpointPublisher) {
            self.store = store
            self.signer = signer
            self.publisher = publisher
        }
        func anchorNow() -> AnchorReceipt {
            let head = try! store.chainHead()
            var warnings: [String] = []
            let c = try! signer.sign(seq: head.seq, head: head.hash, time: CheckpointTime.milliseconds(Date()), force: true) { c in
                warnings = publisher.deliver(c).map(\.description)
            }
            return AnchorReceipt(epoch: c?.epoch, warnings: warnings)
        }
        func heartbeat() -> AnchorReceipt { anchorNow() }
    }

    func decisionCost() {
        let runbook = loadRunbook()
        let dir = options.workdir.appendingPathComponent("anchor-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // A syslog stand-in: a bound datagram socket, drained by a thread.
        let socketPath = dir.appendingPathComponent("log.sock").path
        let receiver = DatagramDrain(path: socketPath)
        let actor = Actor(login: "bench", role: .senior)
        func desk(_ name: String, anchored: Bool) -> CaseDesk {
            let store = try! HandrailStore(path: dir.appendingPathComponent("\(name).db").path, now: Date.init)
            var context = CaseworkContext(store: store, platform: ManualConsole(), runbooks: { _ in runbook },
                                          timeZone: TimeZone(identifier: "UTC")!, clock: { EventTime.truncated(Date()) })
            if anchored {
                let signer = try! KeyFileSigner.create(path: dir.appendingPathComponent("\(name).key").path, databaseID: "bench",
                                                       k0: [UInt8](repeating: 7, count: 32))
                let publisher = CheckpointPublisher(sinks: [SyslogSink(socketPath: socketPath),
                                                            CheckpointFileSink(path: dir.appendingPathComponent("\(name).checkpoints").path)],
                                                    backlogPath: dir.appendingPathComponent("\(name).backlog").path)
                context.anchor = EveryCommit(store: store, signer: signer, publisher: publisher)
            }
            return CaseDesk(context)
        }
        let plain = desk("plain", anchored: false), anchored = desk("anchored", anchored: true)
        var ours: [Double] = [], peer: [Double] = []
        let values = ["method": "callback", "callback_number": "+15550100", "callback_confirmed": "yes", "reference": "SUP-1234"]
        for commit in 0..<options.commits {
            for (service, into) in [(anchored, 0), (plain, 1)] {
                // One person a case: a second open case for one person is refused.
                let id = try! service.open(subject: "ada\(commit)@example.com", runbookID: runbook.id, actor: actor).caseID
                _ = try! service.recordFacts(["signins": .array([]), "suspended": .string("no"),
                                              "phone": .array([.string("+15550100@2024-03-01")])], on: id, actor: actor)
                let start = DispatchTime.now().uptimeNanoseconds
                let outcome = try! service.perform(.submit(step: "verify_identity", values: values), on: id, actor: actor)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                precondition(outcome.refusal == nil && outcome.anchorWarnings.isEmpty, "the benchmark decision must be accepted and anchored: \(outcome.anchorWarnings)")
                if into == 0 { ours.append(seconds) } else { peer.append(seconds) }
            }
        }
        receiver.stop()
        let (o, p) = (median(ours), median(peer))
        print("anchored decision: median \(ms(o)) with a checkpoint (sign, key fsync, syslog, file fsync), \(ms(p)) without; checkpoint cost \(ms(o - p)); \(receiver.count) syslog datagrams received")
        report.add("checkpoint cost per anchored decision", ours: ms(o - p), peer: ms(p) + " the decision itself",
                   ratio: String(format: "%.2f×", o / p), budget: "reported", met: true)
    }

    func verifyThroughput() {
        let events = options.anchorEvents
        let database = options.workdir.appendingPathComponent("audit-\(events).db").path
        if !FileManager.default.fileExists(atPath: database) { AuditLogGenerator(path: database, events: events).generate() }
        // Checkpoints every 1,000 events, as the log's anchor would have signed them.
        let checkpoints = options.workdir.appendingPathComponent("audit-\(events).checkpoints").path
        let k0 = [UInt8](repeating: 9, count: 32)
        let store = try! HandrailStore(path: database, readOnly: true, now: Date.init)
        let last = try! store.chainHead().seq
        let seqs = Array(stride(from: Int64(1000), through: last, by: 1000)) + [last]
        let logged = try! store.loggedEvents(at: seqs).events
        var key = k0, previous = Checkpoint.noPrevious, text = ""
        for (epoch, seq) in seqs.enumerated() {
            let c = Checkpoint(databaseID: "bench", seq: seq, head: logged[seq]!.hash, timeMilliseconds: CheckpointTime.milliseconds(logged[seq]!.time) + 1,
                               epoch: UInt64(epoch), previous: previous, key: key)
            text += c.line + "\n"
            previous = c.hash
            key = AnchorKey.next(key)
        }
        try! text.write(toFile: checkpoints, atomically: true, encoding: .utf8)
        let bytesFile = options.workdir.appendingPathComponent("hashed-bytes-\(events).bin").path
        if !FileManager.default.fileExists(atPath: bytesFile) { AuditLogGenerator.writeHashedBytes(database: database, to: bytesFile) }
        let bytes = Double((try? FileManager.default.attributesOfItem(atPath: bytesFile)[.size] as? Int) ?? 0)
        let handrail = options.productsDirectory.appendingPathComponent("handrail").path
        let env = ["HANDRAIL_LOGIN": "bench"]
        var verify: [Double] = [], anchored: [Double] = [], sha: [Double] = [], openssl: [Double] = []
        for _ in 0..<max(1, options.runs / 2) {
            let v = runChild([handrail, "audit", "verify", "--db", database], environment: env)
            precondition(v.status == 0, "handrail audit verify failed with \(v.status)")
            verify.append(v.seconds)
            let a = runChild([handrail, "audit", "verify", "--db", database, "--anchors", checkpoints, "--anchor-key", k0.hexString, "--no-projections"],
                             environment: env)
            precondition(a.status == 0, "handrail audit verify --anchors failed with \(a.status)")
            anchored.append(a.seconds)
            sha.append(runChild(["sha256sum", bytesFile]).seconds)
            openssl.append(runChild(["openssl", "dgst", "-sha256", bytesFile]).seconds)
        }
        let rate = { (s: Double) in bytes / s / 1e6 }
        let (v, a, s, o) = (median(verify), median(anchored), median(sha), median(openssl))
        print(String(format: "verify on %d events (%.0f MB hashed, %d checkpoints): plain %.2f s (%.0f MB/s), --anchors %.2f s (%.0f MB/s), sha256sum %.2f s (%.0f MB/s), openssl dgst -sha256 %.2f s (%.0f MB/s)",
                     events, bytes / 1e6, seqs.count, v, rate(v), a, rate(a), s, rate(s), o, rate(o)))
        report.add("audit verify --anchors, \(events) events", ours: String(format: "%.0f MB/s", rate(a)),
                   peer: String(format: "%.0f MB/s sha256sum, %.0f MB/s openssl", rate(s), rate(o)),
                   ratio: String(format: "%.2f×", rate(a) / rate(s)), budget: "reported", met: true)
    }
}

/// A bound AF_UNIX datagram socket read by a thread until stopped: syslog's place.
final class DatagramDrain: @unchecked Sendable {
    let fd: Int32
    private let lock = NSLock()
    private var received = 0
    private var stopped = false
    var count: Int { lock.withLock { received } }

    init(path: String) {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !lock.withLock({ stopped }) {
                if buffer.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, 4096, 0) }) > 0 { lock.withLock { received += 1 } }
            }
            close(fd)
        }
    }

    func stop() { lock.withLock { stopped = true } }
}

import Anchoring
import Foundation
import HandrailTestSupport
import XCTest

/// A real syslog daemon: Debian's rsyslogd with a configuration of its own, listening on a
/// private socket (imuxsock, the system socket off) and writing authpriv to a file. Every
/// checkpoint Handrail signs must be in that file, and the file alone, with K0, verifies the log.
final class RsyslogSinkTests: XCTestCase {
    var folder: URL!
    var daemon: Process?

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-rsyslog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let daemon, daemon.isRunning {
            daemon.terminate()
            daemon.waitUntilExit()
        }
        daemon = nil
        try? FileManager.default.removeItem(at: folder)
    }

    /// Starts `rsyslogd -n -f CONFIG -i PIDFILE` (in the foreground, so this test holds its pid
    /// and stops it), and waits for its socket. rsyslog.conf(5) / imuxsock: `SysSock.Use="off"`
    /// leaves /dev/log alone; `UseSpecialParser="off"` lets the RFC 5424 parser read the message.
    func startRsyslog() throws -> (socket: String, log: String) {
        let rsyslogd = try Requirement.tool("rsyslogd", install: "install rsyslog (Debian: apt-get install rsyslog)")
        let socket = folder.appendingPathComponent("log.sock").path
        let log = folder.appendingPathComponent("authpriv.log").path
        let config = folder.appendingPathComponent("rsyslog.conf")
        try """
        global(workDirectory="\(folder.path)")
        module(load="imuxsock" SysSock.Use="off")
        input(type="imuxsock" Socket="\(socket)" UseSpecialParser="off")
        authpriv.* action(type="omfile" file="\(log)")
        """.write(to: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: rsyslogd)
        process.arguments = ["-n", "-f", config.path, "-i", folder.appendingPathComponent("rsyslogd.pid").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: { () -> URL in
            let url = folder.appendingPathComponent("rsyslogd.err")
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
            return url
        }())
        try process.run()
        daemon = process
        try waitUntil("rsyslogd's socket \(socket)", timeout: 20) {
            guard process.isRunning else {
                throw ProcessFailure("rsyslogd exited: \((try? String(contentsOf: folder.appendingPathComponent("rsyslogd.err"), encoding: .utf8)) ?? "")")
            }
            return FileManager.default.fileExists(atPath: socket)
        }
        return (socket, log)
    }

    func testEveryCheckpointReachesRsyslogAndItsFileVerifiesTheLog() throws {
        let (socket, log) = try startRsyslog()
        let handrail = try AnchoredHandrail(syslogSocket: socket)
        try handrail.initialiseAnchor()
        handrail.resetCase("sam@example.com")
        handrail.must(["operator", "add", "bob", "--role", "agent"])
        handrail.resetCase("kim@example.com")

        let signed = handrail.checkpoints()
        XCTAssertEqual(signed.map(\.epoch), [0, 1, 2, 3])
        try waitUntil("every checkpoint in rsyslog's authpriv file", timeout: 20) {
            Set(handrail.checkpoints(in: log).map(\.line)) == Set(signed.map(\.line))
        }
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(lines.allSatisfy { $0.contains(" handrail[") }, "tagged by app-name and procid: \(lines)")

        // The collector's file alone, with K0, is enough for the auditor.
        let verify = handrail.verifyAnchored(anchors: log)
        XCTAssertEqual(verify.status, 0, "\(verify)")
        XCTAssertTrue(verify.out.contains("4 checkpoints from K0 verified"), "\(verify)")
        XCTAssertFalse(verify.err.contains("WARNING"), "nothing waiting for a sink: \(verify)")
    }
}

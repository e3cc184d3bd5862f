import Foundation
import HandrailTestSupport
import XCTest

/// `audit verify --anchors` while four operators' processes append (cases, notes, and roster
/// changes, each of those signing a checkpoint): 1,000 verifications, not one false alarm. The
/// checkpoints are read before the log's snapshot, each case's row beside its events in one
/// snapshot, and a checkpoint line still being appended is left out, not taken for an edit.
final class AnchoredVerifyWhileAppendingTests: XCTestCase {
    static let verifications = 1_000
    static let appenders = 4

    func testVerificationsWhileFourProcessesAppendRaiseNoFalseAlarms() throws {
        let handrail = try AnchoredHandrail()
        try handrail.initialiseAnchor()
        let binary = try HandrailExecutable.locate()
        let stop = handrail.folder.appendingPathComponent("STOP").path
        var environment = handrail.environment
        environment["HANDRAIL_LOGIN"] = "alice"
        environment["PATH"] = "/usr/bin:/bin"
        // Each appender: a case of its own, then a note whenever the verifier has moved on by
        // four verifications since its last one (it polls the verifier's progress file: the log
        // grows with the verifications, not faster, so a debug build checks it in bounded time),
        // and every tenth note a roster change, which signs a checkpoint. Until told to stop.
        let progress = handrail.folder.appendingPathComponent("progress").path
        try "0\n".write(toFile: progress, atomically: true, encoding: .utf8)
        let script = """
        id=$(\(shellQuoted(binary.path)) case open --subject "u$1@example.com") || exit 1
        n=0
        next=$1
        while [ ! -e \(shellQuoted(stop)) ]; do
          seen=$(cat \(shellQuoted(progress)))
          if [ "$seen" -lt "$next" ]; then sleep 0.005; continue; fi
          next=$((seen + 4))
          n=$((n+1))
          \(shellQuoted(binary.path)) case note "$id" "Progress note number $n on this call" >/dev/null || exit 2
          if [ $((n % 10)) -eq 0 ]; then \(shellQuoted(binary.path)) operator add "op$1-$n" --role agent >/dev/null 2>&1 || exit 3; fi
        done
        """
        var children: [Process] = []
        for i in 0..<Self.appenders {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", script, "appender", "\(i)"]
            p.environment = environment
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            children.append(p)
        }
        defer {
            _ = FileManager.default.createFile(atPath: stop, contents: nil)
            for child in children where child.isRunning { child.waitUntilExit() }
        }
        try waitUntil("every appender's case opened", timeout: 60) { try handrail.head().seq >= Int64(Self.appenders) }

        var alarms: [String] = []
        var grewDuring = 0
        for i in 0..<Self.verifications {
            try "\(i)\n".write(toFile: progress, atomically: true, encoding: .utf8)
            let before = try handrail.head().seq
            // The checkpoints and the chain every time; every case's replay one time in ten.
            let result = handrail.verifyAnchored(i % 10 == 0 ? ["--json"] : ["--json", "--no-projections"])
            if result.status != 0 { alarms.append(result.out + result.err) }
            if try handrail.head().seq > before { grewDuring += 1 }
        }
        _ = FileManager.default.createFile(atPath: stop, contents: nil)
        for child in children {
            child.waitUntilExit()
            XCTAssertEqual(child.terminationStatus, 0, "an appender failed")
        }
        let events = try handrail.head().seq
        print("anchored verify while 4 processes append: \(Self.verifications) verifications, \(events) events, "
              + "\(handrail.checkpoints().count) checkpoints, \(grewDuring) verifications overlapped an append, \(alarms.count) false alarms")
        XCTAssertEqual(alarms.count, 0, "false alarms, the first: \(alarms.first ?? "")")
        XCTAssertGreaterThan(grewDuring, Self.verifications / 4, "appends must actually run during the verifications")
        XCTAssertEqual(handrail.verifyAnchored().status, 0)
    }
}

import Foundation
import HandrailTestSupport
import XCTest

/// `handrail audit --follow` as a SIEM's collector runs it: a child process printing JSON lines
/// as events commit, ended by SIGTERM or SIGINT with exit 0.
final class AuditFollowTests: XCTestCase {
    func follower(_ handrail: AnchoredHandrail, _ arguments: [String]) throws -> (Process, URL) {
        let output = handrail.folder.appendingPathComponent("follow-\(UUID().uuidString).jsonl")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = try HandrailExecutable.locate()
        process.arguments = ["audit", "--follow"] + arguments
        var environment = handrail.environment
        environment["HANDRAIL_LOGIN"] = "alice"
        environment["PATH"] = "/usr/bin:/bin"
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, output)
    }

    func lines(_ url: URL) -> [[String: Any]] {
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func testFollowPrintsEachEventAsItCommitsAndStopsOnSIGTERM() throws {
        let handrail = try AnchoredHandrail()
        let id = handrail.must(["case", "open", "--subject", "sam@example.com"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        let (process, output) = try follower(handrail, [])
        defer { if process.isRunning { process.terminate(); process.waitUntilExit() } }
        // The existing events: alice named senior by `handrail init`, the case opened.
        try waitUntil("the existing events", timeout: 20) { lines(output).count == 2 }
        for n in 1...3 { handrail.must(["case", "note", id, "Progress note number \(n) on this call"]) }
        try waitUntil("three more events", timeout: 20) { lines(output).count == 5 }
        XCTAssertEqual(lines(output).compactMap { $0["seq"] as? Int }, [1, 2, 3, 4, 5])
        XCTAssertEqual(lines(output).last?["reason"] as? String, "Progress note number 3 on this call")
        XCTAssertNotNil(lines(output).last?["hash"] as? String)

        process.terminate()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testFollowInOCSFFromAPositionStopsOnSIGINT() throws {
        let handrail = try AnchoredHandrail()
        handrail.resetCase("sam@example.com")
        let head = try handrail.head().seq
        let (process, output) = try follower(handrail, ["--format", "ocsf", "--after", "\(head)"])
        defer { if process.isRunning { process.terminate(); process.waitUntilExit() } }
        handrail.resetCase("kim@example.com")
        try waitUntil("the second reset as an OCSF record", timeout: 20) { lines(output).count == 1 }
        let record = lines(output)[0]
        XCTAssertEqual(record["class_uid"] as? Int, 3001)
        XCTAssertEqual((record["user"] as? [String: Any])?["email_addr"] as? String, "kim@example.com")

        process.interrupt()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, 0)
    }
}

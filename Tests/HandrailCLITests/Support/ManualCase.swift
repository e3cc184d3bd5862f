import Foundation
import HandrailTestSupport
import XCTest

/// One case on the ManualConsole platform, driven through `handrail case …` exactly as an operator
/// types it. Every command states the exit code it must give, so a path that cannot be completed
/// fails at the command where it stops, with that command's output.
struct ManualCase {
    let handrail: HandrailProcess
    let id: String
    let subject: String

    /// `case open --subject SUBJECT`, which prints the new case's id.
    static func open(_ handrail: HandrailProcess, subject: String, as login: String? = nil,
                     file: StaticString = #filePath, line: UInt = #line) throws -> ManualCase {
        let run = try handrail.run(["case", "open", "--subject", subject], as: login)
        XCTAssertEqual(run.status, 0, "\(run)", file: file, line: line)
        let id = run.out.trimmingCharacters(in: .whitespacesAndNewlines)
        guard id.hasPrefix("HR-"), !id.contains("\n") else {
            throw HandrailProcess.Failure(description: "case open printed no case id:\n\(run)")
        }
        return ManualCase(handrail: handrail, id: id, subject: subject)
    }

    /// The linked case an incident opened, by id.
    func linked(_ id: String) -> ManualCase {
        ManualCase(handrail: handrail, id: id, subject: subject)
    }

    // MARK: - Commands

    /// `case do ID WORDS…`, which must exit `expect`.
    @discardableResult
    func act(_ words: [String], as login: String? = nil, expect: Int32 = 0,
             file: StaticString = #filePath, line: UInt = #line) throws -> HandrailProcess.Run {
        let run = try handrail.run(["case", "do", id] + words, as: login)
        XCTAssertEqual(run.status, expect, "\(run)", file: file, line: line)
        return run
    }

    /// `case facts ID KEY=VALUE…`, typed from the admin console.
    @discardableResult
    func facts(_ words: [String], as login: String? = nil, expect: Int32 = 0,
               file: StaticString = #filePath, line: UInt = #line) throws -> HandrailProcess.Run {
        let run = try handrail.run(["case", "facts", id] + words, as: login)
        XCTAssertEqual(run.status, expect, "\(run)", file: file, line: line)
        return run
    }

    /// `case attest ID TEXT`: the pending action was carried out in the admin console.
    @discardableResult
    func attest(_ text: String, as login: String? = nil, expect: Int32 = 0,
                file: StaticString = #filePath, line: UInt = #line) throws -> HandrailProcess.Run {
        let run = try handrail.run(["case", "attest", id, text], as: login)
        XCTAssertEqual(run.status, expect, "\(run)", file: file, line: line)
        return run
    }

    /// `case release ID`: stop holding the case so another operator may act on it.
    func release(as login: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        let run = try handrail.run(["case", "release", id], as: login)
        XCTAssertEqual(run.status, 0, "\(run)", file: file, line: line)
    }

    // MARK: - Steps of the runbook, as an operator fills them in

    /// Facts with nothing unusual: no suspicious sign-ins, not suspended, no federated identity,
    /// `codes` backup codes left.
    func typeOrdinaryFacts(codes: Int = 0, privileged: Bool = false, extra: [String] = [], as login: String? = nil,
                           file: StaticString = #filePath, line: UInt = #line) throws {
        try facts(["name=Sam Example", "signins=none", "suspended=no", "federated=none", "codes=\(codes)",
                   "privileged=\(privileged ? "yes" : "no")"] + extra, as: login,
                  file: file, line: line)
    }

    func verifyByVideo(reference: String = "INC-1001", file: StaticString = #filePath, line: UInt = #line) throws {
        try act(["verify_identity", "method=video", "compared_against=hr_photo", "video_match=yes", "reference=\(reference)"],
                file: file, line: line)
    }

    /// A user who signed in after the reset and enrolled a new factor: its time is typed from the
    /// console after the reset was recorded, so it is strictly later (the console shows seconds;
    /// the commands' clock moves on a second between commands, and this one runs at the time typed).
    func typeFactorEnrolledNow(label: String = "New phone", file: StaticString = #filePath, line: UInt = #line) throws {
        try facts(["factor=totp:\(label)@\(handrail.clock.typed)", "enrolledfrom=seen:198.51.100.7"], file: file, line: line)
    }

    /// What the operator attests after sending the notice from the console: every address typed.
    var noticeAttestation: String { "Sent the notice from the console to \(subject) and to \(personalAddress)" }
    var personalAddress: String { subject.replacingOccurrences(of: "@", with: ".home@") }

    /// From the wait for enrolment to closed: the factor appears, the wait ends, the follow-up goes out.
    func finishAfterReset(file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try show()["status"] as? String, "awaiting_enrolment", file: file, line: line)
        try typeFactorEnrolledNow(file: file, line: line)
        try act(["observe-enrolment"], file: file, line: line)
        try facts(["notify=\(subject)", "notify=\(personalAddress)"], file: file, line: line)
        let followUp = try act(["follow_up", "--attest", noticeAttestation], file: file, line: line)
        XCTAssertTrue(followUp.out.contains("is closed (resolved)"), "\(followUp)", file: file, line: line)
    }

    // MARK: - Reading

    func show() throws -> [String: Any] {
        try handrail.show(id)
    }

    func eventTypes() throws -> [String] {
        try handrail.eventTypes(id)
    }

    /// The case as `case show --json` reports it at the end: status, step and outcome.
    func assertEnded(step: String, outcome: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let shown = try show()
        XCTAssertEqual(shown["status"] as? String, "closed", file: file, line: line)
        XCTAssertEqual(shown["step"] as? String, step, file: file, line: line)
        XCTAssertEqual(shown["outcome"] as? String, outcome, file: file, line: line)
    }
}

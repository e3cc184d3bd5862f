import Engine
import Foundation
import Store
import XCTest

/// `audit verify` while operators work: verification reads the chain head and the log in one
/// snapshot, so appends committed by other connections in the middle of a verification are
/// either wholly in what it checks or wholly after it, and never look like tampering.
final class VerifyWhileAppendingRaisesNoFalseAlarmsTests: StoreTestCase {
    static let verifications = 250
    static let appenders = 3

    func testVerificationsWhileOtherConnectionsAppendNeverReportABreak() throws {
        let path = databasePath
        _ = try makeStore()
        let progress = AppendProgress()
        let start = t0
        let finished = DispatchGroup()
        for appender in 0..<Self.appenders {
            finished.enter()
            Thread.detachNewThread {
                defer { finished.leave() }
                progress.run(appender: appender, path: path, at: start)
            }
        }
        // Let every appender get going before the first verification.
        while progress.appended < Self.appenders * 5 { usleep(1_000) }

        let verifier = try makeStore()
        var alarms: [String] = []
        var appendedDuring = 0
        for i in 0..<Self.verifications {
            let before = progress.appended
            // Every other one split into ranges on connections of their own, as long logs are.
            var verification = ChainVerifier(store: verifier)
            if i % 2 == 1 { verification.parallelThreshold = 1 }
            let report = try verification.verify()
            if let problem = report.problem { alarms.append(problem.description) }
            if progress.appended > before { appendedDuring += 1 }
        }
        progress.stop()
        finished.wait()

        XCTAssertNil(progress.failure, "an appender failed")
        let appends = progress.appended
        print("verify while appending: \(Self.verifications) verifications, \(appends) appends by \(Self.appenders) connections, "
              + "\(appendedDuring) verifications overlapped an append, \(alarms.count) false alarms")
        XCTAssertEqual(alarms, [], "a verification reported a break in an untouched log")
        XCTAssertGreaterThan(appendedDuring, Self.verifications / 4, "appends must actually run during the verifications")
        let final = try ChainVerifier(store: try makeStore()).verify()
        XCTAssertNil(final.problem)
        XCTAssertEqual(final.eventsChecked, Int64(appends * 2))
    }
}

/// The appender threads: each on its own connection, appending two-event cases until stopped.
private final class AppendProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var stopped = false
    private(set) var failure: Error? {
        get { lock.withLock { storedFailure } }
        set { lock.withLock { storedFailure = newValue } }
    }
    private var storedFailure: Error?

    var appended: Int { lock.withLock { count } }
    func stop() { lock.withLock { stopped = true } }
    private var isStopped: Bool { lock.withLock { stopped } }

    func run(appender: Int, path: String, at start: Date) {
        do {
            let store = try HandrailStore(path: path, now: Date.init)
            var n = 0
            while !isStopped {
                n += 1
                let caseID = "HR-A\(appender)-\(n)"
                let subject = "user\(n)@example.com"
                // A millisecond apart: appenders running at different rates stay within the
                // clock-skew allowance of each other (the log refuses times that go back further).
                let time = start.addingTimeInterval(Double(n) / 1000)
                let events = [CaseEvent(type: "case.opened", caseID: caseID, subject: subject, actor: "agent\(appender)", time: time),
                              CaseEvent(type: "note.added", caseID: caseID, subject: subject, actor: "agent\(appender)", time: time,
                                        reason: "note \(n)", payload: ["n": .number(Double(n))])]
                var state = CaseState(caseID: caseID, runbookID: "mfa-recovery", runbookVersion: 1, subject: subject,
                                      openedBy: "agent\(appender)", openedAt: time, linkedFrom: nil, linkedFromIncident: false,
                                      startStep: "verify_identity")
                state.eventCount = events.count
                state.lastEventAt = time
                try store.append(events, caseID: caseID, expectedLastCaseSeq: 0, projection: CaseProjection(state: state))
                lock.withLock { count += 1 }
            }
        } catch {
            failure = error
        }
    }
}

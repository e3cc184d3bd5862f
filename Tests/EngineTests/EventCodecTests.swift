import Foundation
import Runbook
import XCTest
@testable import Engine

/// The event vocabulary is closed and its codec owns every payload key. The golden file holds
/// events as earlier builds wrote them (every kind the shipped runbook produces, on every path,
/// plus one from a newer build): each must decode to a typed body and encode back to exactly
/// the type and payload it was stored with, so a log written before the typed vocabulary still
/// re-hashes byte for byte.
final class EventCodecTests: XCTestCase {
    struct GoldenEvent {
        var type: String
        var payload: [String: JSONValue]
        var line: Int
    }

    func goldenEvents() throws -> [GoldenEvent] {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/event-log-v1", withExtension: "jsonl"))
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").enumerated().map { index, line in
            let value = try JSON5Parser.parse(String(line)).plain
            let type = try XCTUnwrap(value["type"]?.stringValue, "line \(index + 1)")
            let payload = try XCTUnwrap(value["payload"]?.objectValue, "line \(index + 1)")
            return GoldenEvent(type: type, payload: payload, line: index + 1)
        }
    }

    func testEveryStoredEventDecodesAndEncodesBackByteForByte() throws {
        let events = try goldenEvents()
        XCTAssertGreaterThan(events.count, 30)
        for golden in events {
            let event = CaseEvent(type: golden.type, caseID: "CASE-1", subject: "sam@example.com", actor: "alice", time: Date(timeIntervalSince1970: 0),
                                  payload: golden.payload)
            XCTAssertEqual(event.type, golden.type, "line \(golden.line)")
            XCTAssertEqual(JSONValue.object(event.payload).canonicalText, JSONValue.object(golden.payload).canonicalText,
                           "line \(golden.line): \(golden.type)")
            if golden.type == "future.thing" {
                XCTAssertEqual(event.body, .unrecognised(type: golden.type, payload: golden.payload))
            } else if case .unrecognised = event.body {
                XCTFail("line \(golden.line): \(golden.type) is a kind this build writes, yet it decoded as unrecognised")
            }
        }
    }

    func testTheGoldenLogCoversEveryKindOfEvent() throws {
        var kinds = Set<String>()
        for golden in try goldenEvents() {
            // The envelope (mode, role at the time) is not the body's: it is taken off first.
            kinds.insert(Self.kind(of: EventCodec.decode(type: golden.type, payload: EventCodec.splitEnvelope(golden.payload).1)))
        }
        let all: Set<String> = ["opened", "stepCompleted", "actionRequested", "actionCompleted", "actionFailed", "factorEnrolled",
                                "attemptRefused", "gateRefused", "factsRecorded", "closed", "escalated", "reopened", "refusalUpheld", "paused",
                                "resumed", "noteAdded", "signalRaised", "verificationRestarted", "approvalRequested",
                                "approvalGranted", "approvalDenied", "incidentDeclared", "sessionStarted", "rosterChanged",
                                "promotionRequested", "runbookMigrated", "factConfirmed", "priorCasesFound", "priorCasesCleared",
                                "takenOver", "unrecognised"]
        XCTAssertEqual(kinds, all, "missing from the golden log: \(all.subtracting(kinds).sorted())")
    }

    /// A payload with a key the codec does not write is not guessed at: kept whole, only counted.
    func testAPayloadWithAnExtraKeyIsKeptExactlyAndNotFolded() throws {
        let payload: [String: JSONValue] = ["signal": .string("pressure"), "step": .string("verify_identity"), "injected": .bool(true)]
        let event = CaseEvent(type: "case.escalated", caseID: "C", subject: "s@example.com", actor: "a", time: Date(), payload: payload)
        XCTAssertEqual(event.body, .unrecognised(type: "case.escalated", payload: payload))
        XCTAssertEqual(event.payload, payload)
    }

    func testAPayloadWithAValueOfTheWrongTypeIsKeptExactly() {
        let payload: [String: JSONValue] = ["signal": .number(7), "step": .string("verify_identity")]
        let body = EventCodec.decode(type: "case.escalated", payload: payload)
        XCTAssertEqual(body, .unrecognised(type: "case.escalated", payload: payload))
    }

    func testAnActionNoPlatformPerformsIsNotReadAsAnAction() {
        let payload: [String: JSONValue] = ["action": .string("deleteUser"), "idempotencyKey": .string("k"), "step": .string("s"),
                                            "next": .string("n"), "values": .object([:])]
        XCTAssertEqual(EventCodec.decode(type: "user.deleted.requested", payload: payload),
                       .unrecognised(type: "user.deleted.requested", payload: payload))
    }

    /// The fold is exhaustive and ignores what it does not recognise: a newer build's event
    /// between two known ones changes nothing but the count.
    func testAnUnrecognisedEventOnlyCounts() throws {
        let h = try CaseHarness()
        h.openCase()
        h.verify()
        var events = h.events
        events.insert(CaseEvent(.unrecognised(type: "future.thing", payload: ["x": .bool(true)]), caseID: CaseHarness.caseID,
                                subject: Subject.email, actor: "alice", time: h.now), at: 1)
        let replayed = try XCTUnwrap(CaseState.replay(events, runbook: h.runbook))
        var expected = h.currentState
        expected.eventCount += 1
        XCTAssertEqual(replayed, expected)
    }

    static func kind(of body: CaseEventBody) -> String {
        let text = "\(body)"
        return String(text.prefix { $0 != "(" })
    }

    /// `factor.from` (where the new factor was enrolled from) was added later: an older enrolment
    /// without it decodes as before, a newer one carries it, and a `from` that is not text is not guessed at.
    func testTheEnrolmentsAddressIsAnOptionalAddition() throws {
        let events = try goldenEvents().filter { $0.type == "mfa.factor_enrolled" }
        let bodies = events.map { EventCodec.decode(type: $0.type, payload: EventCodec.splitEnvelope($0.payload).1) }
        let froms = bodies.compactMap { body -> String?? in
            guard case .factorEnrolled(let e) = body else { return nil }
            return .some(e.enrolledFrom)
        }
        XCTAssertEqual(froms, [nil, "203.0.113.66"])
        let bad: [String: JSONValue] = ["step": .string("await_enrolment"), "next": .string("follow_up"), "values": .object([:]),
                                        "factor": .object(["kind": .string("totp"), "label": .string("x"), "enrolledAt": .number(1),
                                                           "from": .number(7)])]
        guard case .unrecognised = EventCodec.decode(type: "mfa.factor_enrolled", payload: bad) else {
            return XCTFail("a factor whose from is not text decoded as a known event")
        }
    }
}

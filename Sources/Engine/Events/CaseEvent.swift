import Foundation
import Runbook

/// Something that happened to a case, in the past tense. The event log is the source of
/// truth: a case's state is the fold of its events, and the same rows are the audit log.
///
/// The envelope (who, when, which case, why) is common to every event; what happened is the
/// typed `body`. Strings appear only where the event meets the database or an export:
/// `type` and `payload` are the body as `EventCodec` writes it, and `init(type:…payload:)`
/// reads it back. Sequence numbers and hashes are the Store's business.
public struct CaseEvent: Sendable, Equatable {
    public var body: CaseEventBody
    public var caseID: String
    /// The user the case is about (their email).
    public var subject: String
    /// The operator's login.
    public var actor: String
    public var time: Date
    /// The reason an auditor reads ("Lost device; identity verified via video call…").
    public var reason: String?
    /// The deployment's mode and the actor's role when the event was recorded (nil on events
    /// written before either was recorded). Stored inside the payload, so it is hashed.
    public var stamp: EventStamp?

    public init(_ body: CaseEventBody, caseID: String, subject: String, actor: String, time: Date, reason: String? = nil,
                stamp: EventStamp? = nil) {
        self.body = body
        self.caseID = caseID
        self.subject = subject
        self.actor = actor
        self.time = time
        self.reason = reason
        self.stamp = stamp
    }

    /// An event as stored: its type name and payload, decoded by `EventCodec`. A type or payload
    /// this build does not know is kept as `.unrecognised`, byte for byte, and only counted.
    public init(type: String, caseID: String, subject: String, actor: String, time: Date,
                reason: String? = nil, payload: [String: JSONValue] = [:]) {
        let (stamp, rest) = EventCodec.splitEnvelope(payload)
        self.init(EventCodec.decode(type: type, payload: rest), caseID: caseID, subject: subject, actor: actor,
                  time: time, reason: reason, stamp: stamp)
    }

    /// The name stored and exported (`mfa.factor_admin_reset`, `case.opened`…).
    public var type: String { EventCodec.type(of: body) }

    /// The payload stored and exported, as `EventCodec` writes it.
    public var payload: [String: JSONValue] { EventCodec.payload(of: body, stamp: stamp) }
}

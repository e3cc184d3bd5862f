import Engine
import Foundation
import Runbook
import Store

/// An audit event as an OCSF Account Change record (class_uid 3001, category 3 "Identity &
/// Access Management", schema 1.1.0: https://schema.ocsf.io/1.1.0/classes/account_change), the
/// form Splunk, Sentinel and Security Lake ingest. Only what changes or guards an account is
/// mapped: resets, password sets, suspensions, enrolments, approvals and refusals; other events
/// have no record. Each record carries the case id (metadata.correlation_uid) and the event's
/// hash (metadata.uid), so the SIEM's copy can be traced to the verified log.
enum OCSFRecord {
    struct Activity {
        var id: Int
        var name: String
        var succeeded: Bool
    }

    static func activity(of body: CaseEventBody) -> Activity? {
        func of(_ action: PlatformAction) -> (Int, String) {
            switch action {
            case .resetFactors: return (11, "MFA Factor Disable")
            case .generateBackupCodes: return (10, "MFA Factor Enable")
            case .setTemporaryPassword: return (4, "Password Reset")
            case .suspendUser: return (5, "Disable")
            case .sendNotification: return (99, "Other: Recovery Notice Sent")
            }
        }
        switch body {
        case .actionCompleted(let c):
            let (id, name) = of(c.request.action)
            return Activity(id: id, name: name, succeeded: true)
        case .factorEnrolled: return Activity(id: 10, name: "MFA Factor Enable", succeeded: true)
        case .approvalGranted: return Activity(id: 99, name: "Approval Granted", succeeded: true)
        case .approvalDenied: return Activity(id: 99, name: "Approval Denied", succeeded: false)
        case .attemptRefused: return Activity(id: 99, name: "Verification Refused", succeeded: false)
        case .escalated: return Activity(id: 99, name: "Refused and Escalated", succeeded: false)
        case .refusalUpheld: return Activity(id: 99, name: "Refusal Upheld", succeeded: false)
        default: return nil
        }
    }

    /// The record for `row`, or nil when the event is not an account change.
    static func record(_ row: AuditRow) -> JSONValue? {
        let payload = (try? JSON5Parser.parse(row.payload))?.plain.objectValue ?? [:]
        let event = CaseEvent(type: row.type, caseID: row.caseID, subject: row.subject, actor: row.actor,
                              time: EventTime.parse(row.time) ?? .distantPast, reason: row.reason, payload: payload)
        guard let activity = activity(of: event.body) else { return nil }
        let millis = (event.time.timeIntervalSince1970 * 1000).rounded()
        var object: [String: JSONValue] = [
            "class_uid": .number(3001), "class_name": .string("Account Change"),
            "category_uid": .number(3), "category_name": .string("Identity & Access Management"),
            "activity_id": .number(Double(activity.id)), "activity_name": .string(activity.name),
            "type_uid": .number(Double(3001 * 100 + activity.id)), "type_name": .string("Account Change: \(activity.name)"),
            "severity_id": .number(activity.succeeded ? 1 : 3), "severity": .string(activity.succeeded ? "Informational" : "Medium"),
            "status_id": .number(activity.succeeded ? 1 : 2), "status": .string(activity.succeeded ? "Success" : "Failure"),
            "time": .number(millis),
            "message": .string("\(row.type) on case \(row.caseID)"),
            "actor": .object(["user": .object(["name": .string(row.actor), "uid": .string(row.actor)])]),
            "user": .object(["name": .string(row.subject), "email_addr": .string(row.subject)]),
            "metadata": .object([
                "version": .string("1.1.0"),
                "product": .object(["name": .string("Handrail"), "vendor_name": .string("Handrail"), "version": .string(HandrailCommandLine.version)]),
                "uid": .string(row.hash), "correlation_uid": .string(row.caseID), "log_name": .string("handrail audit log"),
            ]),
            "unmapped": .object(["handrail_event": .string(row.type), "case_id": .string(row.caseID), "event_hash": .string(row.hash),
                                 "seq": .number(Double(row.seq))]),
        ]
        if let reason = row.reason { object["status_detail"] = .string(reason) }
        return .object(object)
    }
}

import Foundation
import Runbook

/// `runbook.migrated`: a senior admin moved a case from the runbook file it was pinned to onto
/// the runbook file now in the folder under the same id; later decisions load the runbook by `to`.
public struct RunbookMigration: Sendable, Equatable {
    public var runbookID: String
    /// The SHA-256 the case was pinned to; nil for a case opened before runbooks were pinned.
    public var from: String?
    public var to: String
    public var file: String?
    public var step: String

    public init(runbookID: String, from: String?, to: String, file: String?, step: String) {
        self.runbookID = runbookID
        self.from = from
        self.to = to
        self.file = file
        self.step = step
    }
}

/// A runbook file as a case would be pinned to it now: its SHA-256 (hex) and file name.
public struct RunbookPin: Sendable, Equatable {
    public var sha256: String
    public var file: String

    public init(sha256: String, file: String) {
        self.sha256 = sha256
        self.file = file
    }
}

/// `case.opened`: the runbook the case runs on and where it starts.
public struct CaseOpening: Sendable, Equatable {
    public var runbookID: String
    public var runbookVersion: Int
    public var startStep: String
    /// The incident case this one was opened from.
    public var linkedFrom: String?
    public var linkedFromIncident: Bool
    /// The SHA-256 (hex) of the runbook file the case was opened on: every later decision loads
    /// the runbook by it. Absent on cases opened before runbooks were pinned.
    public var runbookSHA256: String?
    /// The runbook's file name in the runbook folder, as opened.
    public var runbookFile: String?
    /// The identity platform the case was opened on ("local", "manual").
    public var platform: String?
    /// For a case linked from an incident: everyone who recorded events on the incident case.
    /// None of them may approve this case's admin actions.
    public var incidentWorkers: [String]?
    /// For a case linked from an incident: the idempotency key of the suspension the incident
    /// carried out, the only suspension this case may act through.
    public var incidentSuspension: String?

    public init(runbookID: String, runbookVersion: Int, startStep: String, linkedFrom: String? = nil, linkedFromIncident: Bool = false,
                runbookSHA256: String? = nil, runbookFile: String? = nil, platform: String? = nil,
                incidentWorkers: [String]? = nil, incidentSuspension: String? = nil) {
        self.runbookID = runbookID
        self.runbookVersion = runbookVersion
        self.startStep = startStep
        self.linkedFrom = linkedFrom
        self.linkedFromIncident = linkedFromIncident
        self.runbookSHA256 = runbookSHA256
        self.runbookFile = runbookFile
        self.platform = platform
        self.incidentWorkers = incidentWorkers
        self.incidentSuspension = incidentSuspension
    }
}

/// Where a step's form led: the step, the next step, and the values the operator submitted.
public struct StepMove: Sendable, Equatable {
    public var step: String
    public var next: String
    public var values: [String: String]

    public init(step: String, next: String, values: [String: String]) {
        self.step = step
        self.next = next
        self.values = values
    }
}

/// A step completed under the runbook's event name.
public struct StepCompletion: Sendable, Equatable {
    /// The runbook's name for the event (`emits`).
    public var name: String
    public var move: StepMove
    /// Present on the verification step: what the reset reason must name.
    public var verification: VerificationEvidence?
    /// The case a relink step opened.
    public var linkedCaseID: String?

    public init(name: String, move: StepMove, verification: VerificationEvidence? = nil, linkedCaseID: String? = nil) {
        self.name = name
        self.move = move
        self.verification = verification
        self.linkedCaseID = linkedCaseID
    }
}

/// How the caller was verified: the method's value, how reasons name it, and the reference.
public struct VerificationEvidence: Sendable, Equatable {
    public var method: String
    public var term: String
    public var reference: String?

    public init(method: String, term: String, reference: String?) {
        self.method = method
        self.term = term
        self.reference = reference
    }
}

/// A platform action as requested: the completion event to record, and the key that makes
/// retrying it safe.
public struct ActionRecord: Sendable, Equatable {
    /// The action's audit event (`mfa.factor_admin_reset`).
    public var completion: String
    public var action: PlatformAction
    public var idempotencyKey: String
    public var move: StepMove
    /// A one-time secret issued again (`reissue`) because the first was lost: the same action
    /// under a new key, so the platform issues a new secret and the old one stops working.
    /// Recorded only when true, so the events written before it existed read back unchanged.
    public var reissue: Bool

    public init(completion: String, action: PlatformAction, idempotencyKey: String, move: StepMove, reissue: Bool = false) {
        self.completion = completion
        self.action = action
        self.idempotencyKey = idempotencyKey
        self.move = move
        self.reissue = reissue
    }
}

/// A platform action done: its audit event, with the platform's (secret-free) details and
/// who recorded the completion (the actor stays whoever decided the action).
public struct ActionCompletion: Sendable, Equatable {
    public var request: ActionRecord
    public var details: [String: JSONValue]
    public var recordedBy: String

    public init(request: ActionRecord, details: [String: JSONValue], recordedBy: String) {
        self.request = request
        self.details = details
        self.recordedBy = recordedBy
    }
}

/// A platform action that did not happen.
public struct ActionFailure: Sendable, Equatable {
    public var completion: String
    public var action: PlatformAction
    public var idempotencyKey: String
    public var step: String

    public init(completion: String, action: PlatformAction, idempotencyKey: String, step: String) {
        self.completion = completion
        self.action = action
        self.idempotencyKey = idempotencyKey
        self.step = step
    }
}

/// The new factor seen after the reset.
public struct FactorEnrolment: Sendable, Equatable {
    public var move: StepMove
    public var kind: String
    public var label: String
    /// Seconds since 1970 exactly as the platform reported them: kept as the number it was
    /// stored as, so re-encoding an old event gives the same bytes (and the same hash).
    public var enrolledAtSeconds: Double
    /// The address of the sign-in that enrolled it, as the platform reported it (absent in older events).
    public var enrolledFrom: String?

    public init(move: StepMove, kind: String, label: String, enrolledAtSeconds: Double, enrolledFrom: String? = nil) {
        self.move = move
        self.kind = kind
        self.label = label
        self.enrolledAtSeconds = enrolledAtSeconds
        self.enrolledFrom = enrolledFrom
    }

    public var enrolledAt: Date { Date(timeIntervalSince1970: enrolledAtSeconds) }
}

/// An attempt a gate refused that the runbook records (`onRefusal`), such as an unacceptable
/// verification method.
public struct RefusedAttempt: Sendable, Equatable {
    /// The runbook's event name (`verification.rejected`).
    public var name: String
    public var step: String
    public var check: String
    public var method: String?

    public init(name: String, step: String, check: String, method: String?) {
        self.name = name
        self.step = step
        self.check = check
        self.method = method
    }
}

/// A refused attempt at a step: each failed check (its name and the message the operator saw)
/// and the values as they were submitted, made visible (control and invisible characters written
/// as `\u{…}`) and cut to 500 characters each.
public struct GateRefusal: Sendable, Equatable {
    public struct Failure: Sendable, Equatable {
        public var check: String
        public var message: String

        public init(check: String, message: String) {
            self.check = check
            self.message = message
        }
    }

    public var step: String
    public var failed: [Failure]
    public var values: [String: String]

    public init(step: String, failed: [Failure], values: [String: String]) {
        self.step = step
        self.failed = failed
        self.values = values
    }

    /// The longest a tried value is kept.
    public static let valueLimit = 500

    /// `raw` as it is recorded: every control or invisible scalar written as `\u{XXXX}`, cut to the limit.
    public static func recorded(_ raw: String) -> String {
        var out = ""
        for scalar in raw.unicodeScalars.prefix(valueLimit) {
            if FieldValidator.isForbiddenControl(scalar, allowNewlines: true) {
                out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Facts typed from the admin console (ManualConsole), by key, as typed.
public struct TypedFacts: Sendable, Equatable {
    /// The platform's name ("manual").
    public var source: String
    public var facts: [String: JSONValue]
    public var step: String

    public init(source: String, facts: [String: JSONValue], step: String) {
        self.source = source
        self.facts = facts
        self.step = step
    }
}

/// `fact.confirmed`: a senior admin checked the console and confirms new values for typed facts
/// a gate had refused on: the new values, the values refused on, and the step.
public struct ConfirmedFacts: Sendable, Equatable {
    public var facts: [String: JSONValue]
    public var previous: [String: JSONValue]
    public var step: String

    public init(facts: [String: JSONValue], previous: [String: JSONValue], step: String) {
        self.facts = facts
        self.previous = previous
        self.step = step
    }
}

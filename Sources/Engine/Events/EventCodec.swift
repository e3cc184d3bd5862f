import Foundation
import Runbook

/// The one place that knows how an event's body is spelt in the database and in exports:
/// its type name and every payload key. Decoding is strict: a payload with a key this codec
/// does not write, or without one it does, is not guessed at but kept as `.unrecognised`, so
/// that `encode(decode(x)) == x` for every stored event and re-hashing an old log gives the
/// same bytes (a golden test holds the codec to that).
public enum EventCodec {
    /// The fixed names. Step completions and actions take the runbook's names instead.
    public enum Name {
        public static let caseOpened = "case.opened"
        public static let caseClosed = "case.closed"
        public static let caseEscalated = "case.escalated"
        public static let caseReopened = "case.reopened"
        public static let casePaused = "case.paused"
        public static let caseResumed = "case.resumed"
        public static let refusalUpheld = "refusal.upheld"
        public static let noteAdded = "note.added"
        public static let signalRaised = "signal.raised"
        public static let caseTakenOver = "case.taken_over"
        public static let verificationRestarted = "verification.restarted"
        public static let approvalRequested = "approval.requested"
        public static let approvalGranted = "approval.granted"
        public static let approvalDenied = "approval.denied"
        public static let incidentDeclared = "incident.declared"
        public static let runbookMigrated = "runbook.migrated"
        public static let factorEnrolled = "mfa.factor_enrolled"
        public static let factsRecorded = "facts.recorded"
        public static let gateRefused = "gate.refused"
        public static let factConfirmed = "fact.confirmed"
        public static let priorCasesFound = "case.prior_cases_found"
        public static let priorCasesCleared = "case.prior_cases_cleared"
        public static let sessionStarted = "session.started"
        public static let operatorChanged = "operator.changed"
        public static let promotionRequested = "operator.promotion_requested"
        /// The suffixes of the two events around a platform action's completion event.
        public static let requestedSuffix = ".requested"
        public static let failedSuffix = ".failed"

        /// Every fixed name, for a browser that completes what is typed.
        public static let fixed = [caseOpened, caseClosed, caseEscalated, caseReopened, casePaused, caseResumed, refusalUpheld,
                                   noteAdded, signalRaised, verificationRestarted, approvalRequested, approvalGranted, approvalDenied,
                                   incidentDeclared, factorEnrolled, factsRecorded, gateRefused, sessionStarted, operatorChanged,
                                   promotionRequested, caseTakenOver]

        /// The names a runbook's steps record: completions, the events around each platform
        /// action, and the records a gate's refusals write.
        public static func recorded(by runbook: Runbook) -> [String] {
            var names: [String] = []
            for step in runbook.steps {
                names.append(step.completionEvent)
                if let action = step.action { names += [action.event, requested(action.event), failed(action.event)] }
                names += step.checks.compactMap(\.onRefusal)
            }
            return names
        }

        public static func requested(_ completion: String) -> String { completion + requestedSuffix }
        public static func failed(_ completion: String) -> String { completion + failedSuffix }
    }

    // MARK: - Encoding

    public static func type(of body: CaseEventBody) -> String {
        switch body {
        case .opened: return Name.caseOpened
        case .stepCompleted(let c): return c.name
        case .actionRequested(let r): return Name.requested(r.completion)
        case .actionCompleted(let c): return c.request.completion
        case .actionFailed(let f): return Name.failed(f.completion)
        case .factorEnrolled: return Name.factorEnrolled
        case .attemptRefused(let a): return a.name
        case .factsRecorded: return Name.factsRecorded
        case .gateRefused: return Name.gateRefused
        case .factConfirmed: return Name.factConfirmed
        case .priorCasesFound: return Name.priorCasesFound
        case .priorCasesCleared: return Name.priorCasesCleared
        case .closed: return Name.caseClosed
        case .escalated: return Name.caseEscalated
        case .reopened: return Name.caseReopened
        case .refusalUpheld: return Name.refusalUpheld
        case .paused: return Name.casePaused
        case .resumed: return Name.caseResumed
        case .noteAdded: return Name.noteAdded
        case .signalRaised: return Name.signalRaised
        case .takenOver: return Name.caseTakenOver
        case .verificationRestarted: return Name.verificationRestarted
        case .approvalRequested: return Name.approvalRequested
        case .approvalGranted: return Name.approvalGranted
        case .approvalDenied: return Name.approvalDenied
        case .incidentDeclared: return Name.incidentDeclared
        case .runbookMigrated: return Name.runbookMigrated
        case .sessionStarted: return Name.sessionStarted
        case .rosterChanged: return Name.operatorChanged
        case .promotionRequested: return Name.promotionRequested
        case .unrecognised(let type, _): return type
        }
    }

    public static func payload(of body: CaseEventBody) -> [String: JSONValue] {
        switch body {
        case .opened(let o):
            var p: [String: JSONValue] = ["runbook": .string(o.runbookID), "runbookVersion": .number(Double(o.runbookVersion)),
                                          "startStep": .string(o.startStep), "linkedFromIncident": .bool(o.linkedFromIncident)]
            if let linked = o.linkedFrom { p["linkedFrom"] = .string(linked) }
            if let hash = o.runbookSHA256 { p["runbookSHA256"] = .string(hash) }
            if let file = o.runbookFile { p["runbookFile"] = .string(file) }
            if let platform = o.platform { p["platform"] = .string(platform) }
            if let workers = o.incidentWorkers { p["incidentWorkers"] = .array(workers.map(JSONValue.string)) }
            if let key = o.incidentSuspension { p["incidentSuspension"] = .string(key) }
            return p
        case .stepCompleted(let c):
            var p = move(c.move)
            if let v = c.verification {
                p["method"] = .string(v.method)
                p["term"] = .string(v.term)
                if let reference = v.reference { p["reference"] = .string(reference) }
            }
            if let linked = c.linkedCaseID { p["linkedCaseID"] = .string(linked) }
            return p
        case .actionRequested(let r):
            var p = move(r.move)
            p["idempotencyKey"] = .string(r.idempotencyKey)
            p["action"] = .string(r.action.rawValue)
            if r.reissue { p["reissue"] = .bool(true) }
            return p
        case .actionCompleted(let c):
            var p = move(c.request.move)
            p["idempotencyKey"] = .string(c.request.idempotencyKey)
            p["action"] = .string(c.request.action.rawValue)
            if c.request.reissue { p["reissue"] = .bool(true) }
            p["details"] = .object(c.details)
            p["recordedBy"] = .string(c.recordedBy)
            return p
        case .actionFailed(let f):
            return ["idempotencyKey": .string(f.idempotencyKey), "action": .string(f.action.rawValue), "step": .string(f.step)]
        case .factorEnrolled(let e):
            var p = move(e.move)
            var factor: [String: JSONValue] = ["kind": .string(e.kind), "label": .string(e.label), "enrolledAt": .number(e.enrolledAtSeconds)]
            if let from = e.enrolledFrom { factor["from"] = .string(from) }
            p["factor"] = .object(factor)
            return p
        case .gateRefused(let g):
            return ["step": .string(g.step),
                    "failed": .array(g.failed.map { .object(["check": .string($0.check), "message": .string($0.message)]) }),
                    "values": .object(g.values.mapValues(JSONValue.string))]
        case .attemptRefused(let a):
            var p: [String: JSONValue] = ["step": .string(a.step), "check": .string(a.check)]
            if let method = a.method { p["method"] = .string(method) }
            return p
        case .factsRecorded(let f):
            return ["source": .string(f.source), "facts": .object(f.facts), "step": .string(f.step)]
        case .factConfirmed(let f):
            return ["facts": .object(f.facts), "previous": .object(f.previous), "step": .string(f.step)]
        case .priorCasesFound(let found):
            return ["lookBackDays": .number(Double(found.lookBackDays)), "cases": .array(found.cases.map { c in
                var o: [String: JSONValue] = ["id": .string(c.id), "status": .string(c.status),
                                              "found": .array(c.found.map(JSONValue.string)), "by": .array(c.by.map(JSONValue.string))]
                if let outcome = c.outcome { o["outcome"] = .string(outcome) }
                return .object(o)
            })]
        case .priorCasesCleared(let step):
            return ["step": .string(step)]
        case .closed(let outcome, let step):
            var p: [String: JSONValue] = ["outcome": .string(outcome)]
            if let step { p["step"] = .string(step) }
            return p
        case .escalated(let signal, let step), .signalRaised(let signal, let step):
            return ["signal": .string(signal), "step": .string(step)]
        case .reopened(let step), .refusalUpheld(let step), .resumed(let step),
             .approvalRequested(let step), .approvalGranted(let step), .approvalDenied(let step):
            return ["step": .string(step)]
        case .paused(let from, let step), .incidentDeclared(let step, let from):
            return ["from": .string(from), "step": .string(step)]
        case .runbookMigrated(let m):
            var p: [String: JSONValue] = ["runbook": .string(m.runbookID), "to": .string(m.to), "step": .string(m.step)]
            if let from = m.from { p["from"] = .string(from) }
            if let file = m.file { p["file"] = .string(file) }
            return p
        case .noteAdded(let kind, let signal, let step):
            var p: [String: JSONValue] = ["kind": .string(kind.rawValue), "step": .string(step)]
            if let signal { p["signal"] = .string(signal) }
            return p
        case .verificationRestarted(let step, let from):
            var p: [String: JSONValue] = ["step": .string(step)]
            if let from { p["from"] = .string(from) }
            return p
        case .sessionStarted(let r):
            var p: [String: JSONValue] = ["entry": .string(r.entry), "uid": .number(Double(r.uid))]
            if let v = r.sudoUID { p["sudoUID"] = .number(Double(v)) }
            if let v = r.loginUID { p["loginUID"] = .number(Double(v)) }
            if let v = r.tty { p["tty"] = .string(v) }
            if let v = r.keyFingerprint { p["keyFingerprint"] = .string(v) }
            return p
        case .rosterChanged(let c):
            var p: [String: JSONValue] = ["login": .string(c.login)]
            if let from = c.from { p["from"] = .string(from.rawValue) }
            if let to = c.to { p["to"] = .string(to.rawValue) }
            return p
        case .promotionRequested(let login):
            return ["login": .string(login)]
        case .takenOver(let from):
            return ["from": .string(from)]
        case .unrecognised(_, let payload):
            return payload
        }
    }

    private static func move(_ m: StepMove) -> [String: JSONValue] {
        ["step": .string(m.step), "next": .string(m.next), "values": .object(m.values.mapValues(JSONValue.string))]
    }

    // MARK: - The envelope's stamp

    /// The payload key under which an event's `EventStamp` is stored.
    public static let envelopeKey = "envelope"

    public static func payload(of body: CaseEventBody, stamp: EventStamp?) -> [String: JSONValue] {
        var p = payload(of: body)
        if let stamp {
            var e: [String: JSONValue] = ["mode": .string(stamp.mode)]
            if let role = stamp.actorRole { e["role"] = .string(role.rawValue) }
            if let zone = stamp.timeZone { e["timeZone"] = .string(zone) }
            p[envelopeKey] = .object(e)
        }
        return p
    }

    /// Takes the stamp out of a stored payload. A malformed `envelope` is left in place, so the
    /// body decodes as `.unrecognised` and is kept byte for byte.
    public static func splitEnvelope(_ payload: [String: JSONValue]) -> (EventStamp?, [String: JSONValue]) {
        guard let e = payload[envelopeKey]?.objectValue, let mode = e["mode"]?.stringValue,
              Set(e.keys).isSubset(of: ["mode", "role", "timeZone"]) else { return (nil, payload) }
        let role = e["role"].map { $0.stringValue.flatMap(Role.init(rawValue:)) }
        if let role, role == nil { return (nil, payload) }
        let zone = e["timeZone"].map(\.stringValue)
        if let zone, zone == nil { return (nil, payload) }
        var rest = payload
        rest[envelopeKey] = nil
        return (EventStamp(mode: mode, actorRole: role ?? nil, timeZone: zone ?? nil), rest)
    }

    // MARK: - Decoding

    public static func decode(type: String, payload: [String: JSONValue]) -> CaseEventBody {
        var r = PayloadReader(payload)
        let body = decodeKnown(type: type, &r)
        guard let body, r.complete else { return .unrecognised(type: type, payload: payload) }
        return body
    }

    private static func decodeKnown(type: String, _ r: inout PayloadReader) -> CaseEventBody? {
        switch type {
        case Name.caseOpened:
            guard let id = r.string("runbook"), let version = r.number("runbookVersion"), let start = r.string("startStep"),
                  let incident = r.bool("linkedFromIncident"), version == version.rounded() else { return nil }
            // runbookSHA256, runbookFile and platform were added later: optional, so older
            // openings still decode (and re-encode) exactly.
            // incidentWorkers and incidentSuspension (linked cases) later still.
            var workers: [String]?
            if r.has("incidentWorkers") {
                guard let items = r.array("incidentWorkers") else { return nil }
                let logins = items.compactMap(\.stringValue)
                guard logins.count == items.count else { return nil }
                workers = logins
            }
            return .opened(CaseOpening(runbookID: id, runbookVersion: Int(version), startStep: start,
                                       linkedFrom: r.optionalString("linkedFrom"), linkedFromIncident: incident,
                                       runbookSHA256: r.optionalString("runbookSHA256"), runbookFile: r.optionalString("runbookFile"),
                                       platform: r.optionalString("platform"), incidentWorkers: workers,
                                       incidentSuspension: r.optionalString("incidentSuspension")))
        case Name.sessionStarted:
            guard let entry = r.string("entry"), let uid = r.integer("uid") else { return nil }
            return .sessionStarted(SessionRecord(entry: entry, uid: uid, sudoUID: r.optionalInteger("sudoUID"),
                                                 loginUID: r.optionalInteger("loginUID"), tty: r.optionalString("tty"),
                                                 keyFingerprint: r.optionalString("keyFingerprint")))
        case Name.operatorChanged:
            guard let login = r.string("login") else { return nil }
            let from = r.optionalString("from"), to = r.optionalString("to")
            let fromRole = from.flatMap(Role.init(rawValue:)), toRole = to.flatMap(Role.init(rawValue:))
            guard (from == nil) == (fromRole == nil), (to == nil) == (toRole == nil) else { return nil }
            return .rosterChanged(RosterChange(login: login, from: fromRole, to: toRole))
        case Name.promotionRequested:
            return r.string("login").map { .promotionRequested(login: $0) }
        case Name.caseClosed:
            guard let outcome = r.string("outcome") else { return nil }
            return .closed(outcome: outcome, step: r.optionalString("step"))
        case Name.caseEscalated:
            guard let signal = r.string("signal"), let step = r.string("step") else { return nil }
            return .escalated(signal: signal, step: step)
        case Name.signalRaised:
            guard let signal = r.string("signal"), let step = r.string("step") else { return nil }
            return .signalRaised(signal: signal, step: step)
        case Name.caseTakenOver: return r.string("from").map { .takenOver(from: $0) }
        case Name.caseReopened: return r.string("step").map { .reopened(step: $0) }
        case Name.refusalUpheld: return r.string("step").map { .refusalUpheld(step: $0) }
        case Name.caseResumed: return r.string("step").map { .resumed(step: $0) }
        case Name.approvalRequested: return r.string("step").map { .approvalRequested(step: $0) }
        case Name.approvalGranted: return r.string("step").map { .approvalGranted(step: $0) }
        case Name.approvalDenied: return r.string("step").map { .approvalDenied(step: $0) }
        case Name.casePaused:
            guard let from = r.string("from"), let step = r.string("step") else { return nil }
            return .paused(from: from, step: step)
        case Name.incidentDeclared:
            guard let from = r.string("from"), let step = r.string("step") else { return nil }
            return .incidentDeclared(step: step, from: from)
        case Name.runbookMigrated:
            guard let id = r.string("runbook"), let to = r.string("to"), let step = r.string("step") else { return nil }
            return .runbookMigrated(RunbookMigration(runbookID: id, from: r.optionalString("from"), to: to, file: r.optionalString("file"), step: step))
        case Name.noteAdded:
            guard let kind = r.string("kind").flatMap(CaseNote.Kind.init(rawValue:)), let step = r.string("step") else { return nil }
            return .noteAdded(kind: kind, signal: r.optionalString("signal"), step: step)
        case Name.verificationRestarted:
            guard let step = r.string("step") else { return nil }
            return .verificationRestarted(step: step, from: r.optionalString("from"))
        case Name.factsRecorded:
            guard let source = r.string("source"), let facts = r.object("facts"), let step = r.string("step") else { return nil }
            return .factsRecorded(TypedFacts(source: source, facts: facts, step: step))
        case Name.factConfirmed:
            guard let facts = r.object("facts"), let previous = r.object("previous"), let step = r.string("step") else { return nil }
            return .factConfirmed(ConfirmedFacts(facts: facts, previous: previous, step: step))
        case Name.priorCasesFound:
            guard let days = r.integer("lookBackDays"), let items = r.array("cases") else { return nil }
            var cases: [PriorCase] = []
            for item in items {
                guard let o = item.objectValue, let id = o["id"]?.stringValue, let status = o["status"]?.stringValue,
                      let found = o["found"]?.arrayValue, let by = o["by"]?.arrayValue else { return nil }
                let outcome = o["outcome"].map(\.stringValue)
                if let outcome, outcome == nil { return nil }
                let names = found.compactMap(\.stringValue), logins = by.compactMap(\.stringValue)
                guard names.count == found.count, logins.count == by.count, o.count == (outcome == nil ? 4 : 5) else { return nil }
                cases.append(PriorCase(id: id, status: status, outcome: outcome ?? nil, found: names, by: logins))
            }
            return .priorCasesFound(PriorCasesFound(lookBackDays: days, cases: cases))
        case Name.priorCasesCleared:
            return r.string("step").map { .priorCasesCleared(step: $0) }
        case Name.gateRefused:
            guard let step = r.string("step"), let failed = r.array("failed"), let object = r.object("values") else { return nil }
            let values = object.compactMapValues(\.stringValue)
            var failures: [GateRefusal.Failure] = []
            for item in failed {
                guard let o = item.objectValue, o.count == 2, let check = o["check"]?.stringValue, let message = o["message"]?.stringValue
                else { return nil }
                failures.append(GateRefusal.Failure(check: check, message: message))
            }
            guard values.count == object.count else { return nil }
            return .gateRefused(GateRefusal(step: step, failed: failures, values: values))
        case Name.factorEnrolled:
            guard let move = r.move(), let factor = r.object("factor"),
                  let kind = factor["kind"]?.stringValue, let label = factor["label"]?.stringValue,
                  let at = factor["enrolledAt"]?.numberValue else { return nil }
            // `from` was added later: optional, so older enrolments decode (and re-encode) exactly.
            let from = factor["from"].map(\.stringValue)
            if let from, from == nil { return nil }
            guard factor.count == (from == nil ? 3 : 4) else { return nil }
            return .factorEnrolled(FactorEnrolment(move: move, kind: kind, label: label, enrolledAtSeconds: at, enrolledFrom: from ?? nil))
        default:
            return decodeRunbookNamed(type: type, &r)
        }
    }

    /// Events whose names the runbook chooses, told apart by what their payload carries.
    private static func decodeRunbookNamed(type: String, _ r: inout PayloadReader) -> CaseEventBody? {
        if r.has("idempotencyKey") {
            guard let key = r.string("idempotencyKey"), let action = r.string("action").flatMap(PlatformAction.init(rawValue:)) else { return nil }
            if type.hasSuffix(Name.failedSuffix), !r.has("next") {
                guard let step = r.string("step") else { return nil }
                return .actionFailed(ActionFailure(completion: String(type.dropLast(Name.failedSuffix.count)), action: action,
                                                   idempotencyKey: key, step: step))
            }
            guard let move = r.move() else { return nil }
            // `reissue` was added later and is written only when true: absent reads as false.
            let reissue = r.has("reissue") ? r.bool("reissue") : false
            guard let reissue, !(r.has("reissue") && !reissue) else { return nil }
            if r.has("details") {
                guard let details = r.object("details"), let recordedBy = r.string("recordedBy") else { return nil }
                return .actionCompleted(ActionCompletion(request: ActionRecord(completion: type, action: action, idempotencyKey: key, move: move,
                                                                                       reissue: reissue),
                                                         details: details, recordedBy: recordedBy))
            }
            guard type.hasSuffix(Name.requestedSuffix) else { return nil }
            return .actionRequested(ActionRecord(completion: String(type.dropLast(Name.requestedSuffix.count)), action: action,
                                                 idempotencyKey: key, move: move, reissue: reissue))
        }
        if r.has("check") {
            guard let step = r.string("step"), let check = r.string("check") else { return nil }
            return .attemptRefused(RefusedAttempt(name: type, step: step, check: check, method: r.optionalString("method")))
        }
        guard let move = r.move() else { return nil }
        var verification: VerificationEvidence?
        if r.has("method") || r.has("term") {
            guard let method = r.string("method"), let term = r.string("term") else { return nil }
            verification = VerificationEvidence(method: method, term: term, reference: r.optionalString("reference"))
        }
        return .stepCompleted(StepCompletion(name: type, move: move, verification: verification,
                                             linkedCaseID: r.optionalString("linkedCaseID")))
    }
}

/// Reads a payload key by key, remembering which keys were read, so that the codec can tell
/// a payload it fully understands from one with something extra.
struct PayloadReader {
    private let payload: [String: JSONValue]
    private var read: Set<String> = []
    private var malformed = false

    init(_ payload: [String: JSONValue]) { self.payload = payload }

    /// Every key read, none missing or of the wrong type.
    var complete: Bool { !malformed && read.count == payload.count }

    func has(_ key: String) -> Bool { payload[key] != nil }

    mutating func string(_ key: String) -> String? {
        read.insert(key)
        return payload[key]?.stringValue
    }

    mutating func optionalString(_ key: String) -> String? {
        guard payload[key] != nil else { return nil }
        let value = string(key)
        if value == nil { malformed = true }
        return value
    }

    mutating func integer(_ key: String) -> Int? {
        guard let n = number(key), n == n.rounded(), abs(n) < 1e15 else { return nil }
        return Int(n)
    }

    mutating func optionalInteger(_ key: String) -> Int? {
        guard payload[key] != nil else { return nil }
        let value = integer(key)
        if value == nil { malformed = true }
        return value
    }

    mutating func number(_ key: String) -> Double? {
        read.insert(key)
        return payload[key]?.numberValue
    }

    mutating func bool(_ key: String) -> Bool? {
        read.insert(key)
        return payload[key]?.boolValue
    }

    mutating func array(_ key: String) -> [JSONValue]? {
        read.insert(key)
        return payload[key]?.arrayValue
    }

    mutating func object(_ key: String) -> [String: JSONValue]? {
        read.insert(key)
        return payload[key]?.objectValue
    }

    /// `step`, `next` and `values` (strings only), as every step completion carries them.
    mutating func move() -> StepMove? {
        guard let step = string("step"), let next = string("next"), let object = object("values") else { return nil }
        let values = object.compactMapValues(\.stringValue)
        guard values.count == object.count else { return nil }
        return StepMove(step: step, next: next, values: values)
    }
}

/// What a gate defined in code reads from the runbook it runs in: the fields (with the option
/// values it compares them against), the reason or confirmation field, and the platform facts
/// it decides from. A gate that hard-codes a field id is only safe if the runbook still has
/// that field: `runbook check` rejects a runbook that does not supply a gate's inputs, and at
/// run time a gate whose inputs are missing fails closed instead of "not applicable".
public struct CheckInputs: Sendable, Equatable {
    public var fields: [FieldInput]
    /// The step must name a `reasonField`.
    public var reasonField: Bool
    /// The step must have a field that `confirmsSubject`.
    public var confirmationField: Bool
    /// Platform facts the gate decides from, by the platform's name for them, each needed
    /// always or only while a field has a given value (the phone numbers for a call-back).
    public var facts: [FactInput]

    public init(fields: [FieldInput] = [], reasonField: Bool = false, confirmationField: Bool = false, facts: [FactInput] = []) {
        self.fields = fields
        self.reasonField = reasonField
        self.confirmationField = confirmationField
        self.facts = facts
    }

    public static let none = CheckInputs()

    /// What `step` (in `runbook`) fails to supply, one sentence each; empty when all is there.
    public func missing(in step: Step, of runbook: Runbook) -> [String] {
        var missing: [String] = []
        for input in fields {
            let (holder, whereText): (Step?, String) = switch input.scope {
            case .step: (step, "step \"\(step.id)\"")
            case .verification: (runbook.steps.first { $0.id == runbook.start }, "the verification step \"\(runbook.start)\"")
            }
            guard let field = holder?.field(input.id) else {
                let kinds = input.kinds.isEmpty ? "" : " (\(input.kinds.map(\.rawValue).sorted().joined(separator: " or ")))"
                missing.append("field \"\(input.id)\"\(kinds), which \(whereText) does not have")
                continue
            }
            if !input.kinds.isEmpty, !input.kinds.contains(field.kind) {
                missing.append("field \"\(input.id)\" as \(input.kinds.map(\.rawValue).sorted().joined(separator: " or ")), but it is \(field.kind.rawValue) in \(whereText)")
            }
            let absent = input.options.filter { field.option($0) == nil }
            if !absent.isEmpty {
                missing.append("option\(absent.count == 1 ? "" : "s") \(absent.map { "\"\($0)\"" }.joined(separator: ", ")) of field \"\(input.id)\", which \(whereText) does not offer")
            }
        }
        if reasonField, step.reasonField == nil { missing.append("a reasonField, which step \"\(step.id)\" does not name") }
        if confirmationField, !step.fields.contains(where: \.confirmsSubject) {
            missing.append("a field that confirmsSubject, which step \"\(step.id)\" does not have")
        }
        return missing
    }
}

/// A field a gate reads.
public struct FieldInput: Sendable, Equatable {
    public enum Scope: Sendable, Equatable {
        /// A field of the step the gate guards.
        case step
        /// A field of the runbook's verification (start) step, read from the case's verification.
        case verification
    }

    public var id: String
    /// The kinds of field the gate can read; empty for any kind.
    public var kinds: Set<Field.Kind>
    /// Values the gate compares the field against; each must be an option of the field.
    public var options: [String]
    public var scope: Scope

    public init(_ id: String, _ kinds: Set<Field.Kind>, options: [String] = [], scope: Scope = .step) {
        self.id = id
        self.kinds = kinds
        self.options = options
        self.scope = scope
    }
}

/// A platform fact a gate needs, always or while `field` has the value `equals`.
public struct FactInput: Sendable, Equatable {
    public var fact: String
    public var field: String?
    public var equals: String?

    public init(_ fact: String, whenField field: String? = nil, equals: String? = nil) {
        self.fact = fact
        self.field = field
        self.equals = equals
    }

    /// Whether the fact is needed for these values of the step's form.
    public func isNeeded(values: [String: String]) -> Bool {
        guard let field else { return true }
        return values[field] == equals
    }
}

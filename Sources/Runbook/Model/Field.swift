/// Something the operator records at a step, typed so that it can be validated as it is typed.
public struct Field: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case text, choice, yesno, date, phone, ticket, email
    }

    public var id: String
    public var label: String
    public var kind: Kind
    public var required: Bool
    public var help: String?
    public var options: [ChoiceOption]
    /// Shown (and required) only while this holds, e.g. evidence fields for the chosen method.
    public var when: Condition?
    /// A template whose text pre-fills the field (`reason`, `followUp`).
    public var prefill: String?
    public var maxLength: Int?
    /// A yes/no that must be answered yes before the step can continue.
    public var mustConfirm: Bool
    /// The value must equal the case subject's email: typed, not pasted from the screen.
    public var confirmsSubject: Bool

    public init(id: String, label: String, kind: Kind, required: Bool = true, help: String? = nil,
                options: [ChoiceOption] = [], when: Condition? = nil, prefill: String? = nil,
                maxLength: Int? = nil, mustConfirm: Bool = false, confirmsSubject: Bool = false) {
        self.id = id
        self.label = label
        self.kind = kind
        self.required = required
        self.help = help
        self.options = options
        self.when = when
        self.prefill = prefill
        self.maxLength = maxLength
        self.mustConfirm = mustConfirm
        self.confirmsSubject = confirmsSubject
    }

    public func option(_ value: String) -> ChoiceOption? {
        options.first { $0.value == value }
    }
}

/// One choice of a choice field. An option can be known-unacceptable: choosing it is
/// refused with `refusal`, the procedure's reason why.
public struct ChoiceOption: Sendable, Equatable {
    public var value: String
    public var label: String
    public var acceptable: Bool
    public var refusal: String?
    /// How a reason text names this choice ("video call"): checked in reasons, used in templates.
    public var reasonTerm: String?

    public init(value: String, label: String, acceptable: Bool = true, refusal: String? = nil, reasonTerm: String? = nil) {
        self.value = value
        self.label = label
        self.acceptable = acceptable
        self.refusal = refusal
        self.reasonTerm = reasonTerm
    }
}

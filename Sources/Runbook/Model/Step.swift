/// One step of a runbook: what to tell the operator, where in the admin console to act,
/// what to fill in, which gates must pass, and where it leads.
public struct Step: Sendable, Equatable {
    public var id: String
    public var title: String
    public var guidance: String
    /// Where in the identity platform's admin console the operator acts ("User detail → MFA tab").
    public var consolePath: String?
    public var fields: [Field]
    public var checks: [CheckReference]
    public var transitions: [Transition]
    /// An end of the procedure; reaching it closes the case with `outcome`.
    public var terminal: Bool
    public var outcome: String?
    /// The event recorded when the step is completed (default `step.completed`).
    public var emits: String?
    /// A platform action the step performs on continue; its completion event replaces `emits`.
    public var action: StepAction?
    /// The step waits for an outside event (e.g. `mfa.factor_enrolled`) instead of operator input.
    public var awaits: String?
    /// The field whose value is the audit reason of the step's event.
    public var reasonField: String?
    /// Shown behind a confirmation modal in the wizard.
    public var dangerous: Bool
    /// Completing the step opens a new case linked to this one.
    public var opensLinkedCase: Bool

    public init(id: String, title: String, guidance: String = "", consolePath: String? = nil,
                fields: [Field] = [], checks: [CheckReference] = [], transitions: [Transition] = [],
                terminal: Bool = false, outcome: String? = nil, emits: String? = nil,
                action: StepAction? = nil, awaits: String? = nil, reasonField: String? = nil,
                dangerous: Bool = false, opensLinkedCase: Bool = false) {
        self.id = id
        self.title = title
        self.guidance = guidance
        self.consolePath = consolePath
        self.fields = fields
        self.checks = checks
        self.transitions = transitions
        self.terminal = terminal
        self.outcome = outcome
        self.emits = emits
        self.action = action
        self.awaits = awaits
        self.reasonField = reasonField
        self.dangerous = dangerous
        self.opensLinkedCase = opensLinkedCase
    }

    public func field(_ id: String) -> Field? {
        fields.first { $0.id == id }
    }

    /// The event type that completing this step records.
    public var completionEvent: String {
        action?.event ?? awaits ?? emits ?? "step.completed"
    }
}

/// A platform action performed by a step: the named capability, the audit event that
/// records its completion, and the phrase the follow-up uses for it ("removed your MFA factors").
public struct StepAction: Sendable, Equatable {
    public var name: String
    public var event: String
    public var done: String

    public init(name: String, event: String, done: String) {
        self.name = name
        self.event = event
        self.done = done
    }
}

/// A named gate, optionally recording an audit event each time it refuses.
/// The procedure wants a refused verification attempt on record, not just refused.
public struct CheckReference: Sendable, Equatable {
    public var name: String
    public var onRefusal: String?
    /// On a step that waits for an event: a failure of this gate does not keep the case waiting.
    /// What was observed is recorded, this platform signal is raised, and the case goes to a
    /// senior admin's review before it may continue (a factor enrolled from an address never
    /// seen for the user has already happened; refusing to see it would hide it).
    public var escalate: String?

    public init(name: String, onRefusal: String? = nil, escalate: String? = nil) {
        self.name = name
        self.onRefusal = onRefusal
        self.escalate = escalate
    }
}

/// Where a step leads. The first transition whose condition holds is taken; one without
/// a condition is the fallback and must be last.
public struct Transition: Sendable, Equatable {
    public var to: String
    public var when: Condition?
    public var label: String?

    public init(to: String, when: Condition? = nil, label: String? = nil) {
        self.to = to
        self.when = when
        self.label = label
    }
}

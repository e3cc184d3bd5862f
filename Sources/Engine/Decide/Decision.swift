/// What the Engine decided: events to append (all in one transaction) and effects for the
/// edges to carry out afterwards. A refusal may still carry events: a refused verification
/// attempt is itself part of the audit trail.
public struct Decision: Sendable, Equatable {
    public var events: [CaseEvent]
    public var effects: [Effect]
    public var refusal: Refusal?

    public static func accepted(_ events: [CaseEvent], effects: [Effect] = []) -> Decision {
        Decision(events: events, effects: effects, refusal: nil)
    }

    public static func refused(_ refusal: Refusal, recording events: [CaseEvent] = []) -> Decision {
        Decision(events: events, effects: [], refusal: refusal)
    }

    public var isAccepted: Bool { refusal == nil }
}

/// Work the Engine asks the outside world to do once the decision's events are committed.
public enum Effect: Sendable, Equatable {
    /// Call the identity platform; record the outcome with `completeAction` / `failAction`
    /// using the same key, so a retry after a crash never performs the action twice.
    case performAction(PlatformAction, idempotencyKey: String, subject: String)
    /// Open a new case for the same subject, linked to this one.
    case openLinkedCase(caseID: String, subject: String, linkedFrom: String)
}

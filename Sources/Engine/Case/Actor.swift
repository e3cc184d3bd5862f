/// Who is acting: the OS login name and the role the roster gives it.
public struct Actor: Sendable, Equatable {
    public var login: String
    public var role: Role

    public init(login: String, role: Role) {
        self.login = login
        self.role = role
    }
}

public enum Role: String, Sendable, Equatable, CaseIterable {
    /// Works cases on live calls.
    case agent
    /// Reviews refusals, approves privileged resets, works cases.
    case senior
    /// Reads and exports the audit log; changes nothing.
    case auditor
    /// Practises on the training tenant only.
    case trainee
}

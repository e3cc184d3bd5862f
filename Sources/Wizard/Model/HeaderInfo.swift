import Engine

/// What every screen's top line says: who is acting, with which role, on which database and platform.
public struct HeaderInfo: Sendable, Equatable {
    public var login: String
    public var role: Role
    public var database: String
    public var platform: String
    public var demo: Bool
    /// False when the login was taken from the environment (an unlocked deployment): every
    /// screen then says that nobody verified who is at the keyboard.
    public var identityVerified: Bool

    public init(login: String, role: Role, database: String, platform: String, demo: Bool, identityVerified: Bool = true) {
        self.identityVerified = identityVerified
        self.login = login
        self.role = role
        self.database = database
        self.platform = platform
        self.demo = demo
    }
}

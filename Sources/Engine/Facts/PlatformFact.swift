/// The facts an identity platform reports, by the name gates declare them with and the
/// operator types them under on ManualConsole (`codes=0`). A gate that declares a fact makes
/// ManualConsole ask for it before the step can be decided.
public enum PlatformFact: String, Sendable, Equatable, CaseIterable {
    case displayName = "name"
    case backupCodes = "codes"
    case phoneNumbers = "phone"
    case privileged
    case suspended
    case federatedLinks = "federated"
    case signIns = "signins"
    case factors = "factor"
    case manager
    /// The sign-in that enrolled the newest factor: its address, and whether the user signed in
    /// from it before the reset.
    case enrolmentSignIn = "enrolledfrom"
    /// The addresses on file that account notices go to.
    case notificationAddresses = "notify"
}

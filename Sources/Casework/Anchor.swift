import Engine
import Foundation

/// Where committed decisions are anchored outside the database: a checkpoint of the log, signed
/// and sent to sinks the operators do not control, before the operator is told the decision
/// succeeded. Casework decides *when* (which commits must be anchored at once, and that every
/// other commit may be due a heartbeat); the edge that runs it supplies *how* (keys, files,
/// syslog), so this layer holds no file or socket code.
public protocol Anchor: AnyObject {
    /// A checkpoint of the log as it now stands, now: after an admin action, an approval or an
    /// incident, or a roster change.
    func anchorNow() -> AnchorReceipt
    /// A checkpoint only if the last one is older than the heartbeat interval and the log grew.
    func heartbeat() -> AnchorReceipt
}

/// What anchoring did: the epoch signed, if any, and every problem, to be shown to the operator
/// (a sink that failed, a missing key): never dropped silently.
public struct AnchorReceipt: Sendable, Equatable {
    public var epoch: UInt64?
    public var warnings: [String]

    public init(epoch: UInt64? = nil, warnings: [String] = []) {
        self.epoch = epoch
        self.warnings = warnings
    }
}

extension CaseEventBody {
    /// Events whose commit is anchored before the operator hears of it: an admin action
    /// carried out, an approval decided or asked for, an incident declared.
    var mustBeAnchored: Bool {
        switch self {
        case .actionCompleted, .approvalRequested, .approvalGranted, .approvalDenied, .incidentDeclared, .runbookMigrated: return true
        default: return false
        }
    }
}

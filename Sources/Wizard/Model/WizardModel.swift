import Casework
import Engine
import Terminal

/// Everything the wizard shows, as plain data: `update` changes it in response to messages,
/// `view` draws it. No I/O here; effects are asked for and carried out by the runtime.
public struct WizardModel {
    public enum Route {
        case queue
        case caseScreen
        case audit
        /// Senior admins: the training results of every trainee.
        case trainingResults
    }

    public var header: HeaderInfo
    public var width: Int
    public var height: Int
    public var unicode: Bool
    public var route: Route = .queue
    public var queue = QueueModel()
    public var caseScreen: CaseScreenModel?
    public var audit = AuditModel()
    public var modal: Modal?
    public var showHelp = false
    /// One line of feedback at the bottom ("Recorded verification.recorded", "Cannot continue: …").
    public var flash: String?
    public var flashIsError = false
    public var quitting = false
    /// The reason dialog just submitted, reopened with the refusal if the command is refused.
    public var submittedModal: Modal?
    /// The training results shown to a senior admin (`t` on the queue), newest first.
    public var trainingResults: [TrainingResultRow] = []
    /// Set when this is a training attempt: the caller's side of the call.
    public var training: TrainingPane?
    /// The runbook's refusal signals (for the refuse dialog), by id and label.
    public var signals: [(id: String, label: String)] = []
    /// The replica is behind by more than the configured threshold (or holds nothing): what a
    /// senior admin's queue says above the tabs, from the runtime's check at start and since.
    public var replicationWarning: String?

    public init(header: HeaderInfo, width: Int, height: Int, unicode: Bool = true) {
        self.header = header
        self.width = width
        self.height = height
        self.unicode = unicode
    }

    public static let minimumWidth = 80
    public static let minimumHeight = 24

    public var tooSmall: Bool { width < Self.minimumWidth || height < Self.minimumHeight }
}

import Casework
import Engine
import Terminal

/// What happens to the wizard: a key, or the result of an effect the runtime carried out.
public enum WizardMessage {
    case key(Key)
    case resized(width: Int, height: Int)
    case queueLoaded([QueueModel.Tab: [QueueModel.Row]])
    case caseLoaded(CaseSnapshot)
    /// The caller's cases so far, for the operator about to open another.
    case subjectCases(subject: String, rows: [QueueModel.Row])
    /// The open case changed elsewhere (another terminal, the command line): read again.
    case caseChanged(CaseSnapshot)
    /// A command finished: what it recorded, a refusal, secrets to show once, console instructions.
    case commandFinished(CaseOutcome, CaseSnapshot?)
    case auditLoaded(rows: [AuditRow], hasMore: Bool)
    case verifyProgress(Double)
    case verifyFinished(String, ok: Bool)
    /// The export was written: how many events, and the file's full path.
    case exported(count: Int, path: String)
    /// The export's file exists: the dialog asks before replacing it.
    case exportWouldReplace(path: String)
    case failed(String)
    /// The replication check's result: a warning line, or nil when the replica keeps up.
    case replicationChecked(String?)
    /// Training: the caller says something (a topic of the script), or the attempt is over.
    case callerSays(topic: String)
    case trainingFinished(debrief: [String])
    case trainingResultsLoaded([TrainingResultRow])
}

/// Work for the runtime: reading and writing the store, calling the platform.
public enum WizardEffect: Equatable {
    case loadQueue
    case openCase(String)
    case newCase(subject: String)
    /// Before a new case: the caller's cases so far, shown first (a read only).
    case lookUpSubject(String)
    case perform(caseID: String, command: CaseCommand)
    case attest(caseID: String, text: String, failed: Bool)
    case resumePendingAction(caseID: String)
    case releaseCase(String)
    /// ManualConsole: facts typed in the form, by key; `thenObserve` checks the enrolment after.
    case recordFacts(caseID: String, values: [String: String], thenObserve: Bool)
    case loadAudit(AuditFilter, page: Int, pageSize: Int)
    case verifyAudit
    /// `replace`: the operator confirmed replacing an existing file at `path`.
    case exportAudit(AuditFilter, format: String, path: String, replace: Bool)
    case loadTrainingResults
    case quit
}

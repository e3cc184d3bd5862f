import Casework
import Engine
import Terminal

/// What happens to the wizard: a key, or the result of an effect the runtime carried out.
public enum WizardMessage {
    case key(Key)
    case resized(width: Int, height: Int)
    case queueLoaded([QueueModel.Tab: [QueueModel.Row]])
    /// The review tab's summaries (reason, requester, signals), by case id, read after the queue
    /// was drawn; `remaining`: the rows still to read, a screenful at a time.
    case reviewSummariesLoaded([String: ReviewSummary], remaining: [QueueModel.Row])
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
    /// The review tab's summaries for the first `screenful` of these rows: each a read of a
    /// case's events, which the queue's first frame does not need (`waitsForFrame`).
    case summariseReview([QueueModel.Row], screenful: Int)
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

extension WizardEffect {
    /// Work the frame on screen does not need: the runtime draws first and carries it out after,
    /// then draws again, so an operator is not kept waiting for what they may never look at.
    public var waitsForFrame: Bool {
        if case .summariseReview = self { return true }
        return false
    }
}
